/**
 * Pages of a printed PDF as pictures, for print-layout tests: `pdfinfo` counts the pages, `pdftoppm`
 * (Debian poppler-utils) turns them into PNGs without anti-aliasing, `pdftotext` reads a page's
 * words, and a small PNG decoder gives the pixels.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";

const run = promisify(execFile);

/** One page as 8-bit grey pixels, row by row (0 black, 255 white). */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced PNG (grey, RGB or RGBA, as `pdftoppm -png` writes) into grey pixels. */
export function decodeGreyPng(png: Buffer): GreyImage {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[body[9] as number] ?? 0;
      if (body[8] !== 8 || channels === 0 || body[12] !== 0) throw new Error("expected an 8-bit grey, RGB or RGBA, non-interlaced PNG");
    } else if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const current = new Uint8Array(stride);
  let previous = new Uint8Array(stride);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const value = raw[y * (stride + 1) + 1 + i] as number;
      const left = i >= channels ? (current[i - channels] as number) : 0;
      const up = previous[i] as number;
      const upLeft = i >= channels ? (previous[i - channels] as number) : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const estimate = left + up - upLeft;
        const [a, b, c] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
        predicted = a <= b && a <= c ? left : b <= c ? up : upLeft;
      }
      current[i] = (value + predicted) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let c = 0; c < Math.min(channels, 3); c++) sum += current[x * channels + c] as number;
      pixels[y * width + x] = Math.round(sum / Math.min(channels, 3));
    }
    previous = Uint8Array.from(current);
  }
  return { width, height, pixels };
}

/** A printed PDF: its page count, each page's picture and each page's text. */
export interface PrintedPages {
  readonly count: number;
  readonly images: readonly GreyImage[];
  readonly pngFiles: readonly string[];
  text(page: number): Promise<string>;
}

/** Writes `pdf` to `dir/name/name.pdf` and turns every page into `dir/name/page-N.png` at `dpi`. */
export async function printedPages(pdf: Buffer, parent: string, name: string, dpi = 100): Promise<PrintedPages> {
  const dir = join(parent, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const info = (await run("pdfinfo", [file], { timeout: 30_000 })).stdout;
  const count = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  await run("pdftoppm", ["-r", String(dpi), "-gray", "-aa", "no", "-aaVector", "no", "-png", file, join(dir, "page")], { timeout: 60_000 });
  const pngFiles = (await readdir(dir))
    .filter((entry) => entry.startsWith("page-") && entry.endsWith(".png"))
    .sort((a, b) => Number(/-(\d+)\.png$/.exec(a)?.[1]) - Number(/-(\d+)\.png$/.exec(b)?.[1]))
    .map((entry) => join(dir, entry));
  const images = await Promise.all(pngFiles.map(async (png) => decodeGreyPng(await readFile(png))));
  return {
    count,
    images,
    pngFiles,
    text: async (page) => (await run("pdftotext", ["-f", String(page), "-l", String(page), "-layout", file, "-"], { timeout: 30_000 })).stdout,
  };
}

/**
 * Where a table on the page is cut: its outer vertical border must begin and end on a full-width
 * horizontal rule. A row split by a page break leaves its border open at the bottom of one page and
 * at the top of the next. Returns a description per open edge (empty when every row is whole).
 */
export function openTableEdges(image: GreyImage): string[] {
  const { width, height, pixels } = image;
  const dark = (x: number, y: number) => (pixels[y * width + x] as number) < 128;
  // The longest dark vertical run of each column; table borders are the columns with long ones.
  const runs: Array<{ x: number; top: number; bottom: number }> = [];
  for (let x = 0; x < width; x++) {
    let best = { top: 0, bottom: -1 };
    let start = -1;
    for (let y = 0; y <= height; y++) {
      if (y < height && dark(x, y)) {
        if (start < 0) start = y;
      } else if (start >= 0) {
        if (y - 1 - start > best.bottom - best.top) best = { top: start, bottom: y - 1 };
        start = -1;
      }
    }
    if (best.bottom - best.top > height * 0.04) runs.push({ x, ...best });
  }
  if (runs.length < 2) return [];
  const left = runs[0] as { x: number; top: number; bottom: number };
  const right = runs.at(-1) as { x: number; top: number; bottom: number };
  const isRule = (y: number) => {
    let count = 0;
    for (let x = left.x; x <= right.x; x++) if (dark(x, y)) count++;
    return count >= (right.x - left.x + 1) * 0.97;
  };
  const ruleNear = (y: number) => [-2, -1, 0, 1, 2].some((d) => y + d >= 0 && y + d < height && isRule(y + d));
  const problems: string[] = [];
  if (!ruleNear(left.top)) problems.push(`table border starts at y=${left.top} without a horizontal rule (a row continues from the previous page)`);
  if (!ruleNear(left.bottom)) problems.push(`table border ends at y=${left.bottom} without a horizontal rule (a row is cut by the page break)`);
  return problems;
}
