/** bench/ (absolute path, trailing slash). */
export declare const benchRoot: string;
/** Compiles bench/src/**\/*.ts to bench/dist with SWC; resolves to the output directory. */
export declare function compile(): Promise<string>;
