// Pure: the Baileys message content for a file the host sends (send_file). The host decides the kind from the
// bytes' MIME type (sniffed, never the agent's file name); this only maps it to Baileys' keys.

export const FILE_KINDS = ['image', 'video', 'audio', 'document'];

/**
 * @param {{kind: string, mimetype: string, fileName?: string, caption?: string}} command
 * @param {Buffer} bytes the file's content
 */
export function fileContent({ kind, mimetype, fileName, caption }, bytes) {
  switch (kind) {
    case 'image':
      return { image: bytes, mimetype, ...(caption ? { caption } : {}) };
    case 'video':
      return { video: bytes, mimetype, ...(caption ? { caption } : {}) };
    case 'audio':
      // Audio cannot carry a caption in WhatsApp; the host sends it as a document when there is one.
      return { audio: bytes, mimetype };
    default:
      return { document: bytes, mimetype, fileName: fileName || 'file', ...(caption ? { caption } : {}) };
  }
}
