/** Package URLs (package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`. */

/** The purl's type (`deb`, `apk`, `golang`…), lower-cased as the spec says it is case-insensitive. */
export function purlType(purl: string | undefined): string | undefined {
  if (purl === undefined) return undefined;
  const match = /^pkg:\/*([A-Za-z.+-][A-Za-z0-9.+-]*)\//.exec(purl);
  return match ? match[1].toLowerCase() : undefined;
}

/** The digest a purl's version names (`pkg:oci/name@sha256%3Aab…`), as `sha256:<hex>`. */
export function purlDigest(purl: string | undefined): string | undefined {
  if (purl === undefined) return undefined;
  const match = /@(sha256(?::|%3[Aa])[a-fA-F0-9]{64})(?:[?#]|$)/.exec(purl);
  return match ? match[1].replace(/%3[Aa]/, ':').toLowerCase() : undefined;
}
