import type { Browser } from "./chromium.js";

/** The little of the browser that comparing two images needs, as the page script sees it. */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    drawImage(image: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  };
}
interface PageGlobals {
  Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
  document: { createElement(tag: "canvas"): Canvas };
}

/**
 * The share of pixels that differ between two PNG screenshots of the same size, compared in a
 * blank page's canvas: 0 when they look the same, 1 when nothing matches.
 */
export async function pixelDifference(browser: Browser, a: Buffer, b: Buffer): Promise<number> {
  const { page } = await browser.newPage();
  try {
    return await page.evaluate(
      async ([first, second]) => {
        const web = globalThis as unknown as PageGlobals;
        const pixels = async (base64: string) => {
          const image = new web.Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = web.document.createElement("canvas");
          canvas.width = image.width;
          canvas.height = image.height;
          const context = canvas.getContext("2d");
          context.drawImage(image, 0, 0);
          const { data } = context.getImageData(0, 0, image.width, image.height);
          return { data, width: image.width, height: image.height };
        };
        const [x, y] = await Promise.all([pixels(first!), pixels(second!)]);
        if (x.width !== y.width || x.height !== y.height) return 1;
        let differ = 0;
        for (let i = 0; i < x.data.length; i += 4) {
          if (
            x.data[i] !== y.data[i] ||
            x.data[i + 1] !== y.data[i + 1] ||
            x.data[i + 2] !== y.data[i + 2]
          ) {
            differ++;
          }
        }
        return differ / (x.width * x.height);
      },
      [a.toString("base64"), b.toString("base64")],
    );
  } finally {
    await page.close();
  }
}
