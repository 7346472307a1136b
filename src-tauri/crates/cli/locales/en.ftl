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
page-kept = { $input } -> { $output } (as it is: { $reason })
page-cancelled = { $input } cancelled
page-rule = { $line } [{ $model }, rule “{ $rule }”]
kept-by-rule = the rule “{ $rule }” leaves this page as it is
rule-alreadyLargeEnough = Already large enough
rule-blackAndWhitePages = Black-and-white pages
rule-colourPages = Colour pages
page-book-not-written = { $line }; { $path } is not written
page-not-exported = { $input }: not exported, { $path } is not written (a page of it failed)

## srview upscale: the summary
kept-pages = { $count ->
    [0] {""}
    [one] , 1 kept as it is
   *[other] , { $count } kept as they are
}
damaged-books = { $count ->
    [0] {""}
    [one] , 1 damaged book
   *[other] , { $count } damaged books
}
summary = { $total ->
    [one] 1 page
   *[other] { $total } pages
    }: { $computed } computed, { $cached } from the cache, { $skipped } skipped (already there){ $kept }, { $failed } failed{ $damaged }, in { $seconds } s
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

## srview --help
help-heading-usage = Usage:
help-heading-arguments = Arguments
help-heading-options = Options
help-heading-commands = Commands
help-help = Print help
help-default = default
help-help-command = Print this message or the help of the given command
help-version = Print version
help-srview = Upscale images with sr_vulkan (waifu2x, Real-CUGAN, Real-ESRGAN, RealSR)
help-srview-json = Print machine-readable JSON on stdout.
help-srview-venv = The venv that holds sr-vulkan (default: $SRVIEW_VENV, $VIRTUAL_ENV, then .venv).
help-srview-gpu = Device: a GPU id from `srview gpus`, -1 or `cpu` for CPU mode, or `auto`.
help-srview-cache = Cache folder (default: $XDG_CACHE_HOME/srview or ~/.cache/srview). It must be empty, new, or an SRView cache: SRView never cleans a folder it did not write.
help-srview-models_dir = Folder of custom upscalers: .onnx models and .py plugins, used as `custom:<file name>` (default: $XDG_DATA_HOME/srview/models or ~/.local/share/srview/models).
help-upscale = Upscale images or folders of images. With no input, upscales the bundled sample.
help-upscale-inputs = Images, folders (read recursively) and books (.cbz, .cbr, .cb7, .zip, .rar, .7z, .pdf).
help-upscale-out = Output file, for one input (a book's output ending in .cbz is a .cbz).
help-upscale-out_dir = Output folder; the source tree is mirrored in it.
help-upscale-cbz = Write each book as one .cbz (pages in order, ComicInfo.xml and the like copied through).
help-upscale-name = How output files are named: { "{name}" }, { "{scale}" }, { "{model}" } and { "{ext}" }.
help-upscale-keep_names = Keep the original names (with the new extension); use with a new --out-dir.
help-upscale-overwrite = Replace output files that exist (by default they are left alone and reported as skipped).
help-upscale-model = A model (`srview models` lists them), or `auto`: rules choose each page's model and scale (by default: black-and-white and colour pages each get their own model, 2× or 4× to reach --target-height, and pages already that tall are not upscaled). The default is the fast waifu2x anime (UpConv7); waifu2x CUNet is sharper and about three times slower.
help-upscale-target_height = With `--model auto`: the height the rules upscale towards.
help-upscale-rules = With `--model auto`: a JSON file of rules ({ "{" }"rules": [...], "targetHeight": N{ "}" }) in place of the default ones.
help-upscale-scale = Upscale by this factor (default 2).
help-upscale-width = Upscale to this width (with --height).
help-upscale-height = Upscale to this height (with --width).
help-upscale-tile = sr_vulkan's tile size; 0 picks the fastest for the device and model.
help-upscale-no_tiling = Upscale each page in one sr_vulkan call rather than in tiles (to compare the two); the cache, which holds tiled results, is neither read nor written.
help-upscale-tta = Use the model's TTA variant: slightly better, about eight times slower.
help-upscale-format = webp, png or jpg; default: the extension of -o, else webp.
help-upscale-quality = WebP and JPEG quality, 0 to 100.
help-upscale-no_cache = Neither read nor write the cache.
help-upscale-max_pixels = Refuse inputs above this many pixels (all frames of an animation counted).
help-upscale-max_bytes = Refuse input files (and book entries) above this many bytes, before reading them.
help-upscale-max_frames = Refuse animations with more frames than this.
help-upscale-max_decompressed_bytes = Hold at most this many bytes of decompressed book data in memory at once.
help-upscale-max_pages = Refuse PDF books with more pages than this.
help-upscale-pdf_height = Render PDF pages that are not one image (text, drawings) this many pixels high.
help-upscale-timeout = Give up on an image after it has been upscaling this many seconds (waiting does not count).
help-upscale-stats = Print the engine's figures after the batch: stage times, cache hit rate, memory.
help-gpus = List the Vulkan devices and the device in use.
help-models = List the models, with family, scale and whether they are installed.
help-doctor = Check Python, sr_vulkan and the model packages, and say how to fix each.
help-stats = Start the engine and print its figures: start-up steps, memory, device heaps.
help-compare = Compare two images of the same size: PSNR over the whole image and in its worst 64×64 block (a page in tiles against the same page in one call, for one).
help-compare-a = The first image.
help-compare-b = The second image, of the same size.
help-cache = Inspect or clean the cache.
help-cache-stats = How many entries and bytes the cache holds, and its oldest and newest.
help-cache-clean = Remove entries by age (default 30 days), by a size cap, or all of them.
help-cache-clean-max_age_days = Remove entries not used for this many days.
help-cache-clean-max_bytes = Remove the least recently used entries until the cache holds at most this many bytes.
help-cache-clean-all = Remove every entry (never a file SRView did not write).
