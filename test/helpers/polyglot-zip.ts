/**
 * A zip two readers read as two different archives (from a reviewer's report): the central
 * directory of `evil` where Go's archive/zip (Terraform) looks, and that of `honest` where a reader
 * that follows a zip64 locator (fflate) looks. A saved plan built so would show one plan to the
 * review and apply another; citycloud refuses any zip not laid out as Terraform writes it.
 */

function parse(b: Buffer): { local: Buffer; directory: Buffer; entries: number } {
  const end = b.lastIndexOf(Buffer.from('PK\u0005\u0006', 'latin1'));
  const entries = b.readUInt16LE(end + 10);
  const size = b.readUInt32LE(end + 12);
  const offset = b.readUInt32LE(end + 16);
  return { local: b.subarray(0, offset), directory: b.subarray(offset, offset + size), entries };
}

/** The directory with every entry's local header offset moved by `delta`. */
function shifted(directory: Buffer, delta: number): Buffer {
  const out = Buffer.from(directory);
  for (let i = 0; i < out.length; ) {
    const [name, extra, comment] = [
      out.readUInt16LE(i + 28),
      out.readUInt16LE(i + 30),
      out.readUInt16LE(i + 32),
    ];
    out.writeUInt32LE(out.readUInt32LE(i + 42) + delta, i + 42);
    i += 46 + name + extra + comment;
  }
  return out;
}

export function polyglotZip(honest: Buffer, evil: Buffer): Buffer {
  const e = parse(evil);
  const h = parse(honest);
  const body = [e.local, h.local];
  const honestAt = e.local.length + h.local.length;
  body.push(shifted(h.directory, e.local.length));
  const evilAt = honestAt + h.directory.length;
  body.push(e.directory);
  const zip64At = evilAt + e.directory.length;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(h.entries), 24);
  record.writeBigUInt64LE(BigInt(h.entries), 32);
  record.writeBigUInt64LE(BigInt(h.directory.length), 40);
  record.writeBigUInt64LE(BigInt(honestAt), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip64At), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(e.entries, 8);
  end.writeUInt16LE(e.entries, 10);
  end.writeUInt32LE(e.directory.length + 76, 12);
  end.writeUInt32LE(evilAt, 16);
  return Buffer.concat([...body, record, locator, end]);
}
