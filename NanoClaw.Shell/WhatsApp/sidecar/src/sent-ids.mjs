// The ids of the messages this sidecar sent for send_file, so their echo (Baileys reports own sends as
// messages.upsert with fromMe) can be marked as the assistant's: a caption-less file has no "Name: " prefix by
// which the host could tell it from the owner's own message in shared-number mode. Bounded: the oldest id is
// forgotten first (an echo arrives within seconds of the send, so the last few hundred are plenty).
export class SentIds {
  constructor(limit = 256) {
    this.limit = limit;
    this.ids = new Set();
  }

  remember(id) {
    if (typeof id !== 'string' || id === '') return;
    this.ids.delete(id); // re-insert at the newest end
    this.ids.add(id);
    while (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value);
  }

  has(id) {
    return typeof id === 'string' && this.ids.has(id);
  }

  get size() {
    return this.ids.size;
  }
}
