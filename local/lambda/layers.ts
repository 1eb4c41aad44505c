import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedResource } from '../template/stack';
import { resourcesOfType, stackOf, type System } from '../template/system';
import { installDependencies, installKeyOf } from './package-plain';

/**
 * A function's layers as Lambda mounts them under /opt: for Node.js, each layer's `nodejs/node_modules` on NODE_PATH,
 * before the runtime's own modules (Lambda's NODE_PATH: /opt/nodejs/node<major>/node_modules:/opt/nodejs/node_modules:
 * /var/runtime/node_modules). A layer of the templates (`AWS::Serverless::LayerVersion` / `AWS::Lambda::LayerVersion`
 * with a local ContentUri) is built as `sam build` builds it:
 * - with `Metadata.BuildMethod: nodejsNN.x` and a package.json at the ContentUri root, its dependencies are installed
 *   into `nodejs/node_modules`;
 * - otherwise a `nodejs/` directory is used as is, after installing its own package.json where it has no node_modules.
 * The installs land in the twin's private packaging directory, kept while the manifests stay the same.
 */
export interface LayerPaths {
  /** NODE_PATH entries, in the order of the function's Layers. */
  nodePaths: string[];
  /** Layers that are not in the templates (a published layer's ARN): not available locally. */
  missing: string[];
}

export async function layerPathsOf(system: System, layerArns: readonly string[], packagingRoot: string, log: (line: string) => void): Promise<LayerPaths> {
  const layers = [...resourcesOfType(system, 'AWS::Serverless::LayerVersion'), ...resourcesOfType(system, 'AWS::Lambda::LayerVersion')];
  const nodePaths: string[] = [];
  const missing: string[] = [];
  for (const arn of layerArns) {
    const layer = layers.find((candidate) => candidate.physicalId === arn);
    const content = layer ? contentDirOf(system, layer) : undefined;
    if (!layer || !content) {
      missing.push(arn);
      continue;
    }
    const built = await buildLayer(layer, content, join(packagingRoot, 'layers', stackOf(system, layer).name, layer.logicalId), log);
    if (built) nodePaths.push(built);
  }
  return { nodePaths, missing };
}

function contentDirOf(system: System, layer: ResolvedResource): string | undefined {
  const uri = layer.type === 'AWS::Serverless::LayerVersion' ? layer.properties.ContentUri : (layer.properties.Content as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof uri !== 'string' || /^(s3|https?):/.test(uri)) return undefined;
  const dir = resolve(stackOf(system, layer).templateDir, uri);
  return existsSync(dir) ? dir : undefined;
}

async function buildLayer(layer: ResolvedResource, content: string, outdir: string, log: (line: string) => void): Promise<string | undefined> {
  const buildMethod = String(layer.metadata.BuildMethod ?? '');
  const root = buildMethod.startsWith('nodejs') && existsSync(join(content, 'package.json')) ? content : join(content, 'nodejs');
  if (!existsSync(root)) return undefined;
  if (existsSync(join(root, 'node_modules')) || !existsSync(join(root, 'package.json'))) return root === content ? undefined : join(root, 'node_modules');
  const target = join(outdir, 'nodejs');
  const key = installKeyOf(root);
  const keyFile = join(outdir, '.install-key');
  if (!existsSync(keyFile) || readFileSync(keyFile, 'utf8') !== key) {
    mkdirSync(target, { recursive: true });
    log(`[${layer.logicalId}] layer: npm install --omit=dev (package.json in ${root})`);
    await installDependencies(root, target);
    writeFileSync(keyFile, key);
  }
  return join(target, 'node_modules');
}
