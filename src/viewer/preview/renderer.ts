// One WebGL2 context for every preview on screen (a webview allows only a few contexts): it
// draws a page's preview on its own offscreen canvas, which the page's layer then copies into
// its 2D canvas at once. Each page's original lives in a texture its layer owns and releases.
import { effectiveFilter } from "./kernels.js";
import { EDGE, LANCZOS, SHARPEN, VERTEX } from "./shaders";
import type { PreviewFilter } from "../../state/settings";

export interface PreviewOptions {
  filter: PreviewFilter;
  /** Sharpening of the edge filter, 0 to 1. */
  sharpness: number;
}

/** Where each output pixel of a Lanczos pass lies in the source (Renderer.shrink). */
export interface SourceMap {
  stepX: number;
  startX: number;
  stepY: number;
  startY: number;
}

/** A page's original, uploaded; its layer releases it. */
export class SourceTexture {
  private live = true;
  constructor(
    private readonly gl: WebGL2RenderingContext,
    readonly texture: WebGLTexture,
    readonly width: number,
    readonly height: number,
  ) {}

  release(): void {
    if (this.live) this.gl.deleteTexture(this.texture);
    this.live = false;
  }
}

type Program = { program: WebGLProgram; uniforms: Map<string, WebGLUniformLocation | null> };

class Renderer {
  private readonly programs: { lanczos: Program; edge: Program; sharpen: Program };
  private readonly framebuffer: WebGLFramebuffer;
  private intermediate: { texture: WebGLTexture; width: number; height: number } | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly gl: WebGL2RenderingContext,
  ) {
    this.programs = { lanczos: this.compile(LANCZOS), edge: this.compile(EDGE), sharpen: this.compile(SHARPEN) };
    this.framebuffer = gl.createFramebuffer()!;
  }

  get maxTextureSize(): number {
    return this.gl.getParameter(this.gl.MAX_TEXTURE_SIZE) as number;
  }

  upload(image: TexImageSource, width: number, height: number): SourceTexture {
    const gl = this.gl;
    const texture = this.texture();
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, image);
    return new SourceTexture(gl, texture, width, height);
  }

  /** Draws `source` at width × height on `this.canvas` with the filter; the result is valid
   *  until the task ends (copy it at once). */
  draw(source: SourceTexture, width: number, height: number, options: PreviewOptions): void {
    const texture = source.texture;
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const src = { width: source.width, height: source.height };
    if (effectiveFilter(options.filter === "edge" ? "edge" : "lanczos", src, width, height) === "lanczos") {
      this.shrink(source, width, height, { stepX: source.width / width, startX: 0, stepY: source.height / height, startY: 0 });
    } else {
      const middle = this.target(width, height);
      this.pass(this.programs.edge, texture, src, middle, {});
      this.pass(this.programs.sharpen, middle.texture, middle, null, { u_amount: options.sharpness }, { width, height });
    }
  }

  /** Lanczos-3 of `source` at width × height on `this.canvas`: output pixel (x, y) is centred on
   *  source point ((x + 0.5) · stepX + startX, (y + 0.5) · stepY + startY). Copy it at once. */
  shrink(source: SourceTexture, width: number, height: number, map: SourceMap): void {
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const middle = this.target(width, source.height);
    this.pass(this.programs.lanczos, source.texture, source, middle, { u_horizontal: 1, u_step: map.stepX, u_start: map.startX });
    this.pass(this.programs.lanczos, middle.texture, middle, null, { u_horizontal: 0, u_step: map.stepY, u_start: map.startY }, { width, height });
  }

  /** Runs one program over `into` (the canvas when null), reading `from`. */
  private pass(
    program: Program,
    from: WebGLTexture,
    fromSize: { width: number; height: number },
    into: { width: number; height: number } | null,
    extra: Record<string, number>,
    canvasSize?: { width: number; height: number },
  ): void {
    const gl = this.gl;
    const size = into ?? canvasSize!;
    gl.bindFramebuffer(gl.FRAMEBUFFER, into ? this.framebuffer : null);
    gl.viewport(0, 0, size.width, size.height);
    gl.useProgram(program.program);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, from);
    gl.uniform1i(this.uniform(program, "u_src"), 0);
    gl.uniform2i(this.uniform(program, "u_srcSize"), fromSize.width, fromSize.height);
    gl.uniform2i(this.uniform(program, "u_dstSize"), size.width, size.height);
    gl.uniform1i(this.uniform(program, "u_flip"), into ? 0 : 1);
    for (const [name, value] of Object.entries(extra)) {
      if (name === "u_amount" || name === "u_step" || name === "u_start") gl.uniform1f(this.uniform(program, name), value);
      else gl.uniform1i(this.uniform(program, name), value);
    }
    gl.drawArrays(gl.TRIANGLES, 0, 3);
  }

  /** The intermediate texture, bound to the framebuffer at width × height (grown when needed). */
  private target(width: number, height: number): { texture: WebGLTexture; width: number; height: number } {
    const gl = this.gl;
    if (!this.intermediate || this.intermediate.width !== width || this.intermediate.height !== height) {
      if (this.intermediate) gl.deleteTexture(this.intermediate.texture);
      const texture = this.texture();
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA8, width, height);
      this.intermediate = { texture, width, height };
    }
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.intermediate.texture, 0);
    return this.intermediate;
  }

  /** Drops the intermediate texture once no page shows a preview. */
  releaseScratch(): void {
    if (this.intermediate) this.gl.deleteTexture(this.intermediate.texture);
    this.intermediate = null;
    this.canvas.width = 1;
    this.canvas.height = 1;
  }

  private texture(): WebGLTexture {
    const gl = this.gl;
    const texture = gl.createTexture()!;
    gl.bindTexture(gl.TEXTURE_2D, texture);
    for (const [key, value] of [
      [gl.TEXTURE_MIN_FILTER, gl.NEAREST],
      [gl.TEXTURE_MAG_FILTER, gl.NEAREST],
      [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE],
      [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE],
    ])
      gl.texParameteri(gl.TEXTURE_2D, key, value);
    return texture;
  }

  private uniform(program: Program, name: string): WebGLUniformLocation | null {
    if (!program.uniforms.has(name)) program.uniforms.set(name, this.gl.getUniformLocation(program.program, name));
    return program.uniforms.get(name)!;
  }

  private compile(fragment: string): Program {
    const gl = this.gl;
    const program = gl.createProgram()!;
    for (const [type, text] of [
      [gl.VERTEX_SHADER, VERTEX],
      [gl.FRAGMENT_SHADER, fragment],
    ] as const) {
      const shader = gl.createShader(type)!;
      gl.shaderSource(shader, text);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(shader) ?? "shader");
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program) ?? "link");
    return { program, uniforms: new Map() };
  }
}

let shared: Renderer | null | undefined;

/** The renderer, made on first use; null where the webview offers no WebGL2. */
export function renderer(): Renderer | null {
  if (shared !== undefined) return shared;
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2", { alpha: true, premultipliedAlpha: false, antialias: false, depth: false, preserveDrawingBuffer: false });
    shared = gl ? new Renderer(canvas, gl) : null;
  } catch (error) {
    console.warn("preview: no WebGL2 renderer", error);
    shared = null;
  }
  return shared;
}

/** Whether previews can be drawn here. */
export function previewSupported(): boolean {
  return renderer() !== null;
}

export type { Renderer };
