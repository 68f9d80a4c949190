/** OCI image-spec "Descriptors" (descriptor.md), shared by Docker v2 manifests. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  /** Embedded content, base64 (image-spec 1.1). */
  data?: string;
}

/** `os/arch[/variant]`, the way docker and crane print platforms. */
export function formatPlatform(platform: Platform | undefined): string | undefined {
  // A config of `{}` has empty os/architecture: that is no platform, not "/".
  if (platform === undefined || typeof platform.os !== 'string' || typeof platform.architecture !== 'string' || platform.os === '' || platform.architecture === '') return undefined;
  const parts = [platform.os, platform.architecture];
  if (platform.variant) parts.push(platform.variant);
  return parts.join('/');
}

export function parsePlatform(text: string): Platform | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) return undefined;
  return parts.length === 3 ? { os: parts[0], architecture: parts[1], variant: parts[2] } : { os: parts[0], architecture: parts[1] };
}
