# srview's human output in English; ja.ftl and zh-CN.ftl have the same messages
# (src/i18n.rs tests it). docs/i18n.md says how to add one.

## Times and sizes
unknown-date = unknown date
just-now = just now
minutes-ago = { $count } min ago
hours-ago = { $count } h ago
days-ago = { $count } days ago
progress-pages = pages
rate = { $rate } pages/min, about { $left } s left

## Errors: a sentence for each kind, then the engine's own message
error-line = srview: error [{ $kind }]: { $message }
error-detail = { $sentence } Detail: { $detail }
interrupted = srview: interrupted; stopping after the running tile (Ctrl-C again leaves at once)
interrupted-again = srview: interrupted again; leaving at once, without waiting for the running tile (drain skipped)

## srview gpus
software-vulkan = software Vulkan
gpu = GPU
cores = { $count ->
    [one] { $count } core
   *[other] { $count } cores
}
in-use = {"  "}<- in use
no-vulkan-devices = no Vulkan devices
cpu-mode-threads = CPU mode, { $threads } threads on { $cores } cores
why = why: { $reason }
versions = sr_vulkan { $sr_vulkan }, Python { $python }

## srview models
models-header-model = MODEL
models-header-family = FAMILY
models-header-scale = SCALE
models-header-installed = INSTALLED
models-header-cpu = CPU
broken = broken
yes = yes
no = no
custom-models = custom models: { $what }

## srview cache
cache-stats = { $entries } entries, { $mib } MiB in { $root }
    oldest use: { $oldest }
    newest use: { $newest }
cache-removed = removed { $entries } entries, { $bytes } bytes

## srview doctor
doctor-fix = fix: { $fix }
doctor-python = Python { $version } from { $venv }
doctor-sr-vulkan = sr_vulkan { $version } on { $device }
doctor-installed = installed
doctor-missing = missing
doctor-optional = not installed (optional)
doctor-onnxruntime = onnxruntime { $version }, for custom .onnx models
doctor-no-onnxruntime = not installed (optional: custom .onnx models need it)
doctor-no-vulkan = no Vulkan device; CPU mode

## srview upscale: a line for each page
page-in-book = { $path } (page { $added } of { $pages }; written with the last)
page-written = { $path } (written)
the-cache = the cache
page-computed = { $input } -> { $output }
page-cached = { $input } -> { $output } (cache)
page-skipped = { $input } skipped: { $output } exists (--overwrite replaces it)
page-failed = { $input } FAILED [{ $kind }]: { $error }
page-cancelled = { $input } cancelled
page-rule = { $line } [{ $model }, rule “{ $rule }”]
page-book-not-written = { $line }; { $path } is not written
page-not-exported = { $input }: not exported, { $path } is not written (a page of it failed)

## srview upscale: the summary
damaged-books = { $count ->
    [0] {""}
    [one] , 1 damaged book
   *[other] , { $count } damaged books
}
summary = { $total ->
    [one] 1 page
   *[other] { $total } pages
    }: { $computed } computed, { $cached } from the cache, { $skipped } skipped (already there), { $failed } failed{ $damaged }, in { $seconds } s
summary-no-pages = No pages were upscaled: { $failed ->
    [0] there were none to read
    [one] 1 input failed
   *[other] { $failed } inputs failed
    }{ $damaged }, in { $seconds } s
nothing-needed = nothing needed computing
summary-failed = failed: { $input } [{ $kind }]: { $error }
summary-damaged = damaged: { $error }
summary-interrupted = interrupted; run the same command again to resume

## srview compare
psnr = PSNR { $db } dB over { $width }×{ $height }; worst { $block }×{ $block } block { $worst } dB at { $x },{ $y }
identical = identical ({ $width }×{ $height })

## srview stats
stats-engine = engine: sr_vulkan { $version } on { $device }, started in { $ms } ms ({ $steps }), which added { $mib } MiB of resident memory
stats-memory = memory: { $now } MiB resident now, { $peak } MiB at the peak
stats-budget = , budget { $mib } MiB
stats-used = , { $mib } MiB used
stats-device = device: { $name } heap { $mib } MiB{ $budget }{ $used }
stats-requests = requests: { $requests } ({ $hits } from the cache, { $rate } %), { $pages } pages computed per minute
stats-stage = stage
stats-count = count
stats-median = median
stats-p95 = p95
stage-cache-lookup = cache lookup
stage-check = check
stage-queue-wait = queue wait
stage-compute = compute
stage-write = write
stage-total = total
stats-model = { $model }: { $requests } requests, compute median { $median } ms, p95 { $p95 } ms

## Options refused (the message of an invalid_option error)
timeout-not-number = `{ $text }` is not a number of seconds
timeout-out-of-range = `{ $text }` is not a timeout: give seconds above 0 and at most { $max }
o-names-unwritable = -o names a .{ $extension } file, and SRView writes webp, png or jpg
o-format-mismatch = -o names a .{ $named } file but --format asks for { $asked }
rules-need-auto = --rules goes with --model auto
auto-chooses-scale = with --model auto the rules choose the scale; leave out --scale, --width and --height
not-a-rules-file = { $file } is not a rules file. Detail: { $error }
o-takes-one = -o takes one file or book; for several, use --out-dir
no-cache-needs-output = { $flag } needs -o or --out-dir, or the result would go nowhere
no-tiling-flag = --no-tiling (which skips the cache)
compare-sizes = compare takes two images of one size; these are { $a } and { $b }

## Error kinds (srview_core::SrError::kind)
kind-python_unavailable = Python is not available.
kind-sr_vulkan_missing = The upscaler (sr_vulkan) is not installed.
kind-model_package_missing = The package for this model is not installed.
kind-unknown_model = Unknown model.
kind-models_dir_missing = The models folder does not exist.
kind-custom_model_broken = A custom model cannot be used.
kind-bad_model_output = The model gave an unusable result.
kind-unsupported_on_cpu = This model does not run in CPU mode.
kind-invalid_option = Invalid option.
kind-input_not_found = No such file.
kind-not_an_image = Not an image SRView can read.
kind-corrupt_image = The image is damaged or truncated.
kind-image_too_large = The image is too large.
kind-too_many_frames = The animation has too many frames.
kind-file_too_large = The file is too large.
kind-skipped = Not upscaled.
kind-upscale_failed = The upscaler could not upscale this page.
kind-cancelled = The request was cancelled.
kind-timeout = The request timed out.
kind-engine_unavailable = The upscale engine is not running.
kind-corrupt_archive = The book is damaged, or is not a book SRView can read.
kind-damaged_book = The book is damaged.
kind-unsupported_compression = The book uses a compression SRView cannot read.
kind-missing_volume = A volume of the book is missing.
kind-encrypted = The book is password-protected.
kind-no_pages = The book holds no images.
kind-pdf_cut_short = The PDF is cut short.
kind-too_many_pages = The book has too many pages.
kind-unpacks_too_large = The book unpacks to far more than its size allows.
kind-would_overwrite_source = SRView will not overwrite a source image.
kind-output_exists = The output already exists.
kind-cache_root_refused = This folder cannot be SRView's cache.
kind-io = SRView could not read or write a file.
kind-python = The upscaler's Python code raised an error.
kind-out_of_memory = The device ran out of memory.
kind-internal = Something went wrong inside SRView (please report it).
