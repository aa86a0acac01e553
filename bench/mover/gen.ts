/**
 * Data for the mover benchmark (bench/mover/run.sh). Usage:
 *   tsx bench/mover/gen.ts mix <dir> <scale>      1 GiB × scale: large random, compressible, many medium files
 *   tsx bench/mover/gen.ts change <dir> <scale>   changes 1% of the mix; prints the bytes changed
 *   tsx bench/mover/gen.ts small <dir> <count>    <count> small files (100 B – 4 KiB) in folders of 1000
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";

const MiB = 1024 * 1024;

async function writeRandom(path: string, bytes: number): Promise<void> {
  const fh = await open(path, "w");
  try {
    for (let done = 0; done < bytes;) {
      const n = Math.min(4 * MiB, bytes - done);
      await fh.write(randomBytes(n));
      done += n;
    }
  } finally {
    await fh.close();
  }
}

async function writeCompressible(path: string, bytes: number): Promise<void> {
  const fh = await open(path, "w");
  try {
    let done = 0;
    let line = 0;
    while (done < bytes) {
      const lines: string[] = [];
      for (let i = 0; i < 20000; i++, line++) {
        lines.push(
          `2026-11-21T05:${String(line % 60).padStart(2, "0")}:00Z level=info msg="request served" id=${randomInt(1e9)} ms=${randomInt(500)}\n`,
        );
      }
      const buf = Buffer.from(lines.join("")).subarray(0, bytes - done);
      await fh.write(buf);
      done += buf.length;
    }
  } finally {
    await fh.close();
  }
}

async function mix(dir: string, scale: number): Promise<void> {
  const total = Math.round(1024 * MiB * scale);
  await mkdir(join(dir, "large"), { recursive: true });
  await mkdir(join(dir, "logs"), { recursive: true });
  // 40% in four large random files, 20% compressible logs, 40% in 256 KiB – 2 MiB files.
  for (let i = 0; i < 4; i++) await writeRandom(join(dir, "large", `disk-${i}.img`), Math.round(total * 0.1));
  for (let i = 0; i < 2; i++)
    await writeCompressible(join(dir, "logs", `app-${i}.log`), Math.round(total * 0.1));
  let medium = Math.round(total * 0.4);
  for (let i = 0; medium > 0; i++) {
    const sub = join(dir, "medium", `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) await mkdir(sub, { recursive: true });
    const size = Math.min(medium, 256 * 1024 + randomInt(7) * 256 * 1024);
    await writeRandom(join(sub, `f${i}.bin`), size);
    medium -= size;
  }
}

/** 1%: half as rewritten medium files, half as one contiguous region inside a large file. */
async function change(dir: string, scale: number): Promise<void> {
  const onePercent = Math.round(1024 * MiB * scale * 0.01);
  let changed = 0;
  const region = Math.floor(onePercent / 2);
  const fh = await open(join(dir, "large", "disk-1.img"), "r+");
  await fh.write(randomBytes(region), 0, region, Math.round(1024 * MiB * scale * 0.05));
  await fh.close();
  changed += region;
  for (let i = 0; changed < onePercent; i += 7) {
    const size = Math.min(512 * 1024, onePercent - changed);
    await writeRandom(join(dir, "medium", `d${Math.floor(i / 100)}`, `changed-${i}.bin`), size);
    changed += size;
  }
  process.stdout.write(`${changed}\n`);
}

async function small(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${i}.txt`), randomBytes(100 + randomInt(4000)));
  }
}

const [what, dir, arg] = process.argv.slice(2);
if (dir === undefined || arg === undefined)
  throw new Error("usage: gen.ts mix|change|small <dir> <scale|count>");
if (what === "mix") await mix(dir, Number(arg));
else if (what === "change") await change(dir, Number(arg));
else if (what === "small") await small(dir, Number(arg));
else throw new Error(`unknown generator ${what}`);
