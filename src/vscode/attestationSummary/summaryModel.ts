import type { GraphNode } from '../../core/model/imageGraph';
import { licenceCounts, listSbomPackages, type AttestationDocument, type SbomPackage } from '../../core/supplychain';

/** A digest a statement names, and whether the open source holds what it names. */
export interface NamedDigest {
  name: string;
  digest?: string;
  /** The platform of the image the source holds under that digest, or '' when it holds something else. */
  inSource?: string;
}

/** Everything the summary view shows, as plain data (no vscode types): easy to test and to post to a webview. */
export interface SummaryModel {
  title: string;
  label: string;
  kind: string;
  format: string;
  predicateType?: string;
  envelopes: string[];
  problems: string[];
  subjects: NamedDigest[];
  /** SBOMs: every package, and licences by use. */
  packages?: SbomPackage[];
  licences?: Array<{ licence: string; count: number }>;
  /** Provenance: builder facts as label/value pairs, materials, build args and embedded sources. */
  facts?: Array<[string, string]>;
  materials?: NamedDigest[];
  buildArgs?: Array<[string, string]>;
  sources?: Array<{ index: number; filename: string; language?: string }>;
}

export function summaryModel(document: AttestationDocument, title: string, lookup: (digest: string) => GraphNode | undefined): SummaryModel {
  const { summary } = document;
  const named = (name: string, digest: string | undefined): NamedDigest => {
    const node = digest ? lookup(digest) : undefined;
    const entry: NamedDigest = { name };
    if (digest) entry.digest = digest;
    if (node) entry.inSource = node.platform ?? '';
    return entry;
  };
  const model: SummaryModel = {
    title,
    label: summary.label,
    kind: summary.kind,
    format: summary.format,
    envelopes: summary.envelopes ?? [],
    problems: summary.problems,
    subjects: summary.subjects.map((subject) => named(subject.name, subject.digest)),
  };
  if (summary.predicateType) model.predicateType = summary.predicateType;
  if (document.signature && summary.envelopes?.length) {
    model.envelopes = [...summary.envelopes, ...(document.signature.payloadType ? [`payload ${document.signature.payloadType}`] : []), ...document.signature.keyIds.map((keyId) => `key ${keyId}`)];
  }
  if (document.sbom) {
    model.packages = listSbomPackages(document).packages;
    model.licences = licenceCounts(model.packages);
  }
  const provenance = document.provenance;
  if (provenance) {
    const facts: Array<[string, string | undefined]> = [
      ['SLSA', provenance.slsaVersion],
      ['Builder', provenance.builderId],
      ['Build type', provenance.buildType],
      ['Frontend', provenance.frontend],
      ['Builder platform', provenance.builderPlatform],
      ['Config source', [provenance.configSource?.uri, provenance.configSource?.entryPoint].filter(Boolean).join(' · ')],
      ['Invocation', provenance.invocationId],
      ['Started', provenance.startedOn],
      ['Finished', provenance.finishedOn],
      ...Object.entries(provenance.vcs ?? {}).map(([key, value]): [string, string] => [`VCS ${key}`, value]),
    ];
    model.facts = facts.filter((fact): fact is [string, string] => fact[1] !== undefined && fact[1] !== '');
    model.materials = provenance.materials.map((material) => named(material.uri, material.digest));
    model.buildArgs = Object.entries(provenance.buildArgs);
    model.sources = provenance.sources.map((source, index) => ({ index, filename: source.filename ?? `source ${index + 1}`, ...(source.language ? { language: source.language } : {}) }));
  }
  return model;
}
