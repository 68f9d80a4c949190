/**
 * The shapes the supply-chain readers return. Everything here is plain data (JSON-serialisable),
 * so the CLI prints it as is and the VS Code adapters can cache it.
 */

/** What a statement or artifact says about an image. */
export type AttestationKind = 'sbom' | 'provenance' | 'signature' | 'vulnerability-report' | 'other';

/** An artifact an in-toto statement (or a signature) is about. */
export interface SubjectRef {
  /** `pkg:docker/foo/bar@v3?platform=linux%2Farm64`, a registry reference, or '' when unnamed. */
  name: string;
  /** `sha256:<hex>` when the subject gives a sha256; otherwise `<algorithm>:<value>` of its first digest. */
  digest: string;
}

/** What the caller knows about the bytes from the descriptor that pointed at them. */
export interface DescribeHints {
  /** The layer's (or blob's) media type. */
  mediaType?: string;
  /** The artifact type of the manifest that holds the layer (OCI 1.1), or its config media type. */
  artifactType?: string;
  /** The predicate type BuildKit's layer annotation `in-toto.io/predicate-type` claims. */
  predicateType?: string;
  /** The layer descriptor's annotations: cosign keeps its signature, certificate and bundle there. */
  annotations?: Record<string, string>;
  /** The most bytes parsed; longer input is reported, not parsed. Default: ReadLimits.attestation. */
  maxBytes?: number;
}

/** One line's worth of facts about an attestation, signature or SBOM; never thrown, always returned. */
export interface AttestationSummary {
  kind: AttestationKind;
  /** 'SPDX 2.3', 'CycloneDX 1.5', 'SLSA v0.2', 'SLSA v1', 'cosign', 'notation', 'sigstore bundle', or a media type. */
  format: string;
  /** `SBOM (SPDX 2.3) · 124 packages`, `Provenance (SLSA v0.2) · buildkit`, `Signature (notation) · CN=…`. */
  label: string;
  /** The statement's `predicateType` (or the layer annotation's when the statement cannot be read). */
  predicateType?: string;
  subjects: SubjectRef[];
  /** SBOMs: packages (SPDX) or components (CycloneDX, nested ones included). */
  packageCount?: number;
  /** Provenance: `builder.id` (v0.2) or `runDetails.builder.id` (v1), when not empty. */
  builderId?: string;
  /** Vulnerability reports: how many findings, when the format says. */
  vulnerabilityCount?: number;
  /** Signatures and signed envelopes: who signed (certificate CN or e-mail/URI, key id, or cosign identity). */
  signer?: string;
  /** The wrappers unwrapped on the way to the content, outermost first: 'sigstore bundle', 'DSSE'. */
  envelopes?: string[];
  /** What is wrong with the content, in words a person can act on; empty when nothing is. */
  problems: string[];
}

/** One package of an SBOM, the same shape for SPDX, CycloneDX and syft. */
export interface SbomPackage {
  name: string;
  version?: string;
  /** The package URL's type (`deb`, `apk`, `npm`, `golang`…), else the format's own component type. */
  type?: string;
  /** SPDX: licenseConcluded, else licenseDeclared (NOASSERTION and NONE skipped); CycloneDX: ids, names or expressions. */
  license?: string;
  purl?: string;
}

/** A material or resolved dependency of a build. */
export interface ProvenanceMaterial {
  uri: string;
  digest?: string;
}

/** A source file BuildKit embedded in its provenance (mode=max): usually the Dockerfile. */
export interface EmbeddedSource {
  filename?: string;
  language?: string;
  text: string;
}

export interface ProvenanceDetails {
  slsaVersion: 'v0.1' | 'v0.2' | 'v1';
  builderId?: string;
  buildType?: string;
  invocationId?: string;
  startedOn?: string;
  finishedOn?: string;
  /** v0.2 `invocation.configSource`; v1 `externalParameters.configSource`. */
  configSource?: { uri?: string; digest?: string; entryPoint?: string };
  /** v0.2 `materials`; v1 `resolvedDependencies`. */
  materials: ProvenanceMaterial[];
  /** BuildKit's frontend: `dockerfile.v0`, `gateway.v0`. */
  frontend?: string;
  /** `build-arg:NAME` frontend arguments, by NAME. */
  buildArgs: Record<string, string>;
  /** The other frontend arguments: `target`, `source`, `label:…`, `cmdline`… */
  frontendArgs: Record<string, string>;
  /** BuildKit v1 `internalParameters.builderPlatform`, v0.2 `invocation.environment.platform`. */
  builderPlatform?: string;
  /** BuildKit's `vcs` metadata (`source`, `revision`): hints, not verified by BuildKit. */
  vcs?: Record<string, string>;
  /** Files embedded in BuildKit's `source.infos` (the Dockerfile), decoded. */
  sources: EmbeddedSource[];
  problems: string[];
}

/** What an X.509 certificate says about who holds it; fields the certificate lacks are absent. */
export interface CertificateInfo {
  /** RFC 4514 order: `CN=e2e, O=Notary, L=Seattle, ST=WA, C=US`. */
  subject?: string;
  commonName?: string;
  issuer?: string;
  /** Subject alternative names: e-mail addresses, URIs, DNS names (Fulcio puts the identity here). */
  alternativeNames: string[];
  /** Fulcio's OIDC issuer extension, when present. */
  oidcIssuer?: string;
  notBefore?: string;
  notAfter?: string;
}

export interface SignatureDetails {
  /** 'notation', 'cosign', 'simple signing', 'sigstore bundle', 'DSSE'. */
  format: string;
  /** The signature algorithm the envelope names (JWS `alg`). */
  algorithm?: string;
  keyIds: string[];
  signatureCount: number;
  /** Certificates in the order given (leaf first). */
  certificates: CertificateInfo[];
  /** notation: `io.cncf.notary.signingScheme`, `signingTime`, `expiry`, `signingAgent`. */
  signingScheme?: string;
  signingTime?: string;
  expiry?: string;
  signingAgent?: string;
  /** An RFC 3161 timestamp countersignature (notation) or timestamp verification data (sigstore) is present. */
  timestamped: boolean;
  /** Rekor entries the signature carries (sigstore bundle tlogEntries, cosign bundle annotation). */
  transparencyLog: Array<{ logIndex?: string; integratedTime?: string }>;
  /** cosign simple signing: `critical.identity.docker-reference` and `critical.image.docker-manifest-digest`. */
  dockerReference?: string;
  dockerManifestDigest?: string;
  /** cosign simple signing `optional`, as given. */
  optional?: Record<string, unknown>;
  /** A public-key hint (sigstore bundle `publicKey.hint`). */
  publicKeyHint?: string;
  /** DSSE: what the payload claims to be (`application/vnd.in-toto+json`). */
  payloadType?: string;
}
