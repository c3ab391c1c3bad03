/**
 * vitest 5 runs on Node 20 but its reporter uses Node 21+ `Map.groupBy`/`Object.groupBy`: without
 * these, a failing test crashes the reporter and its error is never printed. Loaded by
 * vitest.config.ts (the main vitest process). Remove when the engines floor is Node 22.
 */
type GroupBy = <K, T>(items: Iterable<T>, key: (item: T, index: number) => K) => Map<K, T[]>;

const mapCtor = Map as unknown as { groupBy?: GroupBy };
mapCtor.groupBy ??= (items, key) => {
  const groups = new Map();
  let index = 0;
  for (const item of items) {
    const k = key(item, index++);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};

const objectCtor = Object as unknown as {
  groupBy?: <T>(
    items: Iterable<T>,
    key: (item: T, index: number) => PropertyKey,
  ) => Record<PropertyKey, T[]>;
};
objectCtor.groupBy ??= (items, key) => {
  const groups = (mapCtor.groupBy as GroupBy)(items, key);
  return Object.assign(Object.create(null), Object.fromEntries(groups));
};

export {};
