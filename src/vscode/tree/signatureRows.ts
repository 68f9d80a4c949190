import type { SignatureDetails } from '../../core/supplychain';
import type { MountedSource } from '../sourceManager';
import { GroupItem, TextItem } from './groupItem';
import { digestRow, factRows } from './provenanceRows';
import type { TreeNode } from './treeNode';

/**
 * What a signature says about who signed and when: scheme, signing time, certificates (leaf first),
 * the transparency log, and for cosign simple signing the image it names (revealed when held here).
 * Shown, not verified: nothing here checks a signature or a chain.
 */
export function signatureRows(mounted: MountedSource, parent: TreeNode, signature: SignatureDetails): TreeNode[] {
  const rows = factRows(mounted, parent, [
    ['Format', signature.format, 'workspace-trusted'],
    ['Algorithm', signature.algorithm, 'key'],
    ['Signing scheme', signature.signingScheme, 'symbol-class'],
    ['Signing time', signature.signingTime, 'calendar'],
    ['Expiry', signature.expiry, 'calendar'],
    ['Signing agent', signature.signingAgent, 'tools'],
    ['Key ids', signature.keyIds.join(', '), 'key'],
    ['Public key hint', signature.publicKeyHint, 'key'],
    ['Timestamp', signature.timestamped ? 'countersigned (RFC 3161)' : undefined, 'watch'],
    ['Docker reference', signature.dockerReference, 'tag'],
  ]);
  if (signature.dockerManifestDigest) rows.push(digestRow(mounted, parent, 'Signed manifest', signature.dockerManifestDigest, 'signed-manifest', 'target'));
  signature.certificates.forEach((certificate, index) => {
    const label = index === 0 ? 'Certificate' : `Certificate ${index + 1}`;
    const details: Array<[string, string | undefined]> = [
      ['Subject', certificate.subject],
      ['Issuer', certificate.issuer],
      ['Alternative names', certificate.alternativeNames.join(', ')],
      ['OIDC issuer', certificate.oidcIssuer],
      ['Not before', certificate.notBefore],
      ['Not after', certificate.notAfter],
    ];
    rows.push(
      new GroupItem(mounted, parent, label, { key: `certificate-${index}`, icon: 'shield', description: certificate.subject ?? certificate.alternativeNames[0] ?? '' }, (group) =>
        details.filter((detail): detail is [string, string] => Boolean(detail[1])).map(([name, value]) => new TextItem(mounted, group, name, { description: value, tooltip: `${name}: ${value}` })),
      ),
    );
  });
  if (signature.transparencyLog.length > 0) {
    rows.push(
      new GroupItem(mounted, parent, 'Transparency log', { key: 'tlog', icon: 'list-ordered', description: `${signature.transparencyLog.length}` }, (group) =>
        signature.transparencyLog.map((entry, index) => new TextItem(mounted, group, `Entry ${entry.logIndex ?? index + 1}`, { key: `${index}`, description: entry.integratedTime ?? '', icon: 'list-ordered' })),
      ),
    );
  }
  return rows;
}
