import { BUILDKIT_METADATA_V02, BUILDKIT_METADATA_V1, readBuildKitMetadata } from './buildkitMetadata';
import { arrayOrEmpty, digestFromSet, isObject, objectOrUndefined, stringValues, text, type JsonObject } from './jsonValue';
import type { ProvenanceDetails, ProvenanceMaterial } from './types';

/** SLSA provenance v0.1/v0.2 (slsa.dev/provenance/v0.2) and v1 (slsa.dev/provenance/v1), with BuildKit's fields. */
export function readProvenance(predicate: unknown, version: ProvenanceDetails['slsaVersion'], problems: string[]): ProvenanceDetails {
  const details: ProvenanceDetails = { slsaVersion: version, materials: [], buildArgs: {}, frontendArgs: {}, sources: [], problems };
  if (!isObject(predicate)) {
    problems.push(`SLSA ${version} predicate is not an object`);
    return details;
  }
  if (version === 'v1') readV1(predicate, details);
  else readV02(predicate, details);
  return details;
}

function readV02(predicate: JsonObject, details: ProvenanceDetails): void {
  const builder = objectOrUndefined(predicate.builder);
  if (builder === undefined) details.problems.push(`SLSA ${details.slsaVersion} predicate has no "builder"`);
  setIfDefined(details, 'builderId', text(builder?.id));
  setIfDefined(details, 'buildType', text(predicate.buildType) ?? text(objectOrUndefined(predicate.recipe)?.type));
  const invocation = objectOrUndefined(predicate.invocation);
  const configSource = objectOrUndefined(invocation?.configSource);
  if (configSource) details.configSource = configSourceOf(configSource, 'entryPoint');
  readParameters(objectOrUndefined(invocation?.parameters), details);
  setIfDefined(details, 'builderPlatform', text(objectOrUndefined(invocation?.environment)?.platform));
  details.materials = materialsOf(predicate.materials);
  const metadata = objectOrUndefined(predicate.metadata);
  setIfDefined(details, 'invocationId', text(metadata?.buildInvocationID));
  setIfDefined(details, 'startedOn', text(metadata?.buildStartedOn));
  setIfDefined(details, 'finishedOn', text(metadata?.buildFinishedOn));
  readBuildKit(metadata?.[BUILDKIT_METADATA_V02], details);
}

function readV1(predicate: JsonObject, details: ProvenanceDetails): void {
  const definition = objectOrUndefined(predicate.buildDefinition);
  const run = objectOrUndefined(predicate.runDetails);
  if (definition === undefined) details.problems.push('SLSA v1 predicate has no "buildDefinition"');
  if (run === undefined) details.problems.push('SLSA v1 predicate has no "runDetails"');
  setIfDefined(details, 'buildType', text(definition?.buildType));
  const external = objectOrUndefined(definition?.externalParameters);
  const configSource = objectOrUndefined(external?.configSource);
  if (configSource) details.configSource = configSourceOf(configSource, 'path');
  readParameters(objectOrUndefined(external?.request), details);
  setIfDefined(details, 'builderPlatform', text(objectOrUndefined(definition?.internalParameters)?.builderPlatform));
  details.materials = materialsOf(definition?.resolvedDependencies);
  setIfDefined(details, 'builderId', text(objectOrUndefined(run?.builder)?.id));
  const metadata = objectOrUndefined(run?.metadata);
  setIfDefined(details, 'invocationId', text(metadata?.invocationID) ?? text(metadata?.invocationId));
  setIfDefined(details, 'startedOn', text(metadata?.startedOn));
  setIfDefined(details, 'finishedOn', text(metadata?.finishedOn));
  readBuildKit(metadata?.[BUILDKIT_METADATA_V1], details);
}

/** BuildKit's `frontend` and `args`; `build-arg:NAME` becomes a build arg, the rest frontend args. */
function readParameters(parameters: JsonObject | undefined, details: ProvenanceDetails): void {
  setIfDefined(details, 'frontend', text(parameters?.frontend));
  for (const [key, value] of Object.entries(stringValues(parameters?.args))) {
    if (key.startsWith('build-arg:')) details.buildArgs[key.slice('build-arg:'.length)] = value;
    else details.frontendArgs[key] = value;
  }
}

function readBuildKit(metadata: unknown, details: ProvenanceDetails): void {
  const buildkit = readBuildKitMetadata(metadata, details.problems);
  if (buildkit.vcs) details.vcs = buildkit.vcs;
  details.sources = buildkit.sources;
}

function configSourceOf(value: JsonObject, entryField: 'entryPoint' | 'path'): NonNullable<ProvenanceDetails['configSource']> {
  const source: NonNullable<ProvenanceDetails['configSource']> = {};
  setIfDefined(source, 'uri', text(value.uri));
  setIfDefined(source, 'digest', digestFromSet(value.digest));
  setIfDefined(source, 'entryPoint', text(value[entryField]));
  return source;
}

function materialsOf(value: unknown): ProvenanceMaterial[] {
  const materials: ProvenanceMaterial[] = [];
  for (const entry of arrayOrEmpty(value)) {
    if (!isObject(entry)) continue;
    const material: ProvenanceMaterial = { uri: text(entry.uri) ?? text(entry.name) ?? '' };
    setIfDefined(material, 'digest', digestFromSet(entry.digest));
    materials.push(material);
  }
  return materials;
}

function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** A short name for who built it: BuildKit's build types read as 'buildkit', others as their last path segment. */
export function builderName(details: Pick<ProvenanceDetails, 'buildType' | 'builderId'>): string | undefined {
  const buildType = details.buildType ?? '';
  if (buildType.startsWith('https://mobyproject.org/buildkit') || buildType.startsWith('https://github.com/moby/buildkit')) return 'buildkit';
  if (buildType.startsWith('https://actions.github.io/buildtypes/') || buildType.startsWith('https://slsa-framework.github.io/github-actions-buildtypes/')) return 'GitHub Actions';
  if (buildType.startsWith('https://cloudbuild.googleapis.com/')) return 'Google Cloud Build';
  if (buildType.startsWith('https://tekton.dev/')) return 'Tekton';
  return buildType === '' ? undefined : buildType;
}
