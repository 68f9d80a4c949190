import type { SignatureDetails, SubjectRef } from './types';

/** What a signature reader found: the details, who it names as signed, and the format's name. */
export interface SignatureRead {
  format: string;
  subjects: SubjectRef[];
  details: SignatureDetails;
}

export function emptySignatureDetails(format: string): SignatureDetails {
  return { format, keyIds: [], signatureCount: 0, certificates: [], timestamped: false, transparencyLog: [] };
}
