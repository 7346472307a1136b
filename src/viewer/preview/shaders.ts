// The preview's GLSL ES 3.0 shaders. Each follows its CPU reference in kernels.js step for step
// (same taps, same weights, same clamps), reads texels exactly (texelFetch, no hardware
// filtering) and writes one output pixel per fragment. Rows count from the top; the last pass
// flips them for the canvas (u_flip).

/** A triangle that covers the viewport; no buffers. */
export const VERTEX = `#version 300 es
void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}`;

const HEADER = `#version 300 es
precision highp float;
precision highp int;
uniform sampler2D u_src;
uniform ivec2 u_srcSize;
uniform ivec2 u_dstSize;
uniform bool u_flip;
out vec4 outColor;
const float PI = 3.14159265358979;

float sinc(float x) {
  if (abs(x) < 1e-5) return 1.0;
  float a = PI * x;
  return sin(a) / a;
}
float lanczos(float x, float lobes) {
  return abs(x) < lobes ? sinc(x) * sinc(x / lobes) : 0.0;
}
ivec2 outPixel() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  if (u_flip) p.y = u_dstSize.y - 1 - p.y;
  return p;
}
vec4 texel(ivec2 p) {
  return texelFetch(u_src, clamp(p, ivec2(0), u_srcSize - 1), 0);
}
`;

/** One Lanczos-3 pass along x or y, with Pillow's placement of taps (kernels.js lanczosTaps). */
export const LANCZOS = `${HEADER}
uniform bool u_horizontal;
// Source pixels per output pixel, and the source coordinate where output pixel 0 starts: the
// whole image (inSize / outSize, 0), or a tile of it drawn in its place (shrink.ts).
uniform float u_step;
uniform float u_start;
void main() {
  ivec2 p = outPixel();
  int out_ = u_horizontal ? p.x : p.y;
  int inSize = u_horizontal ? u_srcSize.x : u_srcSize.y;
  float scale = u_step;
  float widen = max(scale, 1.0);
  float support = 3.0 * widen;
  float centre = (float(out_) + 0.5) * scale + u_start;
  int first = max(int(floor(centre - support + 0.5)), 0);
  int last = min(int(floor(centre + support + 0.5)), inSize);
  vec4 acc = vec4(0.0);
  float total = 0.0;
  for (int i = first; i < last; i++) {
    float w = lanczos((float(i) - centre + 0.5) / widen, 3.0);
    acc += w * texelFetch(u_src, u_horizontal ? ivec2(i, p.y) : ivec2(p.x, i), 0);
    total += w;
  }
  outColor = total == 0.0 ? vec4(0.0) : acc / total;
}`;

/** The edge-adaptive upscale (kernels.js edgeUpscale). */
export const EDGE = `${HEADER}
float luma(vec4 c) { return 0.25 * c.r + 0.5 * c.g + 0.25 * c.b; }
void main() {
  ivec2 o = outPixel();
  vec2 pos = (vec2(o) + 0.5) * vec2(u_srcSize) / vec2(u_dstSize) - 0.5;
  vec2 base = floor(pos);
  vec2 f = pos - base;
  ivec2 b = ivec2(base);
  vec4 p[16];
  float l[16];
  for (int j = 0; j < 4; j++) {
    for (int i = 0; i < 4; i++) {
      p[j * 4 + i] = texel(b + ivec2(i - 1, j - 1));
      l[j * 4 + i] = luma(p[j * 4 + i]);
    }
  }
  float sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (int j = 0; j < 2; j++) {
    for (int i = 0; i < 2; i++) {
      float w = (i == 1 ? f.x : 1.0 - f.x) * (j == 1 ? f.y : 1.0 - f.y);
      float gx = l[(j + 1) * 4 + i + 2] - l[(j + 1) * 4 + i];
      float gy = l[(j + 2) * 4 + i + 1] - l[j * 4 + i + 1];
      sxx += w * gx * gx;
      sxy += w * gx * gy;
      syy += w * gy * gy;
    }
  }
  float trace = sxx + syy;
  float spread = sqrt((sxx - syy) * (sxx - syy) + 4.0 * sxy * sxy);
  float coherence = trace > 1e-8 ? spread / trace : 0.0;
  float anisotropy = coherence * min(1.0, sqrt(trace) * 8.0);
  vec2 g = vec2(sxx - syy + spread, 2.0 * sxy);
  g = length(g) < 1e-10 ? vec2(0.0, 1.0) : normalize(g);
  float along = 1.0 / (1.0 + 0.15 * anisotropy);
  vec4 acc = vec4(0.0);
  float total = 0.0;
  for (int j = 0; j < 4; j++) {
    for (int i = 0; i < 4; i++) {
      vec2 d = vec2(float(i - 1), float(j - 1)) - f;
      float u = dot(d, g);
      float v = (-d.x * g.y + d.y * g.x) * along;
      float w = lanczos(sqrt(u * u + v * v), 2.0);
      acc += w * p[j * 4 + i];
      total += w;
    }
  }
  vec4 low = min(min(p[5], p[6]), min(p[9], p[10]));
  vec4 high = max(max(p[5], p[6]), max(p[9], p[10]));
  outColor = clamp(acc / total, low, high);
}`;

/** Limited sharpening (kernels.js sharpen). */
export const SHARPEN = `${HEADER}
uniform float u_amount;
void main() {
  ivec2 o = outPixel();
  vec4 c = texel(o);
  vec4 n = texel(o + ivec2(0, -1));
  vec4 w = texel(o + ivec2(-1, 0));
  vec4 e = texel(o + ivec2(1, 0));
  vec4 s = texel(o + ivec2(0, 1));
  vec4 low = min(c, min(min(n, w), min(e, s)));
  vec4 high = max(c, max(max(n, w), max(e, s)));
  vec4 mean = (n + w + e + s) * 0.25;
  outColor = clamp(c + u_amount * (c - mean), low, high);
}`;
