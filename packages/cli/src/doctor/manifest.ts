/** Parses (multi-document) YAML and validates each object against the Kubernetes OpenAPI schemas. */
import { parseAllDocuments } from 'yaml';
import { CliError, MANIFEST_INVALID } from '../errors.js';

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  // biome-ignore lint/suspicious/noExplicitAny: validated against the schema, read defensively
  spec?: any;
}

export function parseManifest(text: string, file: string): K8sObject[] {
  const docs = parseAllDocuments(text);
  const out: K8sObject[] = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length > 0)
      throw new CliError(MANIFEST_INVALID, file, `is not valid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value as K8sObject);
  }
  return out;
}

/** Schema errors of one object, '' when valid (or a kind the doctor does not know). */
export async function schemaErrors(object: K8sObject): Promise<string> {
  const model = await modelFor(object);
  if (!model) return '';
  try {
    new model(object as never).validate();
    return '';
  } catch (error) {
    return (error as Error).message.replace(/\s+/g, ' ').trim();
  }
}

type Model = new (data: never) => { validate(): void };

async function modelFor(object: K8sObject): Promise<Model | undefined> {
  // kubernetes-models is ESM only: import() works from both the ESM and the CJS build.
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      return (await import('kubernetes-models/apps/v1/Deployment')).Deployment as Model;
    case 'apps/v1/StatefulSet':
      return (await import('kubernetes-models/apps/v1/StatefulSet')).StatefulSet as Model;
    case 'apps/v1/DaemonSet':
      return (await import('kubernetes-models/apps/v1/DaemonSet')).DaemonSet as Model;
    case 'v1/Service':
      return (await import('kubernetes-models/v1/Service')).Service as Model;
    case 'v1/Pod':
      return (await import('kubernetes-models/v1/Pod')).Pod as Model;
    default:
      return undefined;
  }
}
