# srview 的输出（简体中文），消息与 en.ftl 相同。

## Times and sizes
unknown-date = 日期未知
just-now = 刚刚
minutes-ago = { $count } 分钟前
hours-ago = { $count } 小时前
days-ago = { $count } 天前
progress-pages = 页
rate = 每分钟 { $rate } 页，约剩 { $left } 秒

## Errors
error-line = srview：错误 [{ $kind }]：{ $message }
error-detail = { $sentence } 详细信息：{ $detail }
interrupted = srview：已中断；正在处理的分块完成后停止（再按一次 Ctrl-C 立即退出）
interrupted-again = srview：再次中断；不等待正在处理的分块，立即退出（跳过收尾）

## srview gpus
software-vulkan = 软件 Vulkan
gpu = GPU
cores = { $count } 核
in-use = {"  "}<- 使用中
no-vulkan-devices = 没有 Vulkan 设备
cpu-mode-threads = CPU 模式，{ $cores } 核上 { $threads } 个线程
why = 原因：{ $reason }
versions = sr_vulkan { $sr_vulkan }，Python { $python }

## srview models
models-header-model = 模型
models-header-family = 系列
models-header-scale = 倍率
models-header-installed = 已安装
models-header-cpu = CPU
broken = 已损坏
yes = 是
no = 否
custom-models = 自定义模型：{ $what }

## srview cache
cache-stats = { $entries } 个条目，{ $mib } MiB，位于 { $root }
    最早使用：{ $oldest }
    最近使用：{ $newest }
cache-removed = 已删除 { $entries } 个条目，{ $bytes } 字节

## srview doctor
doctor-fix = 解决方法：{ $fix }
doctor-python = Python { $version }，来自 { $venv }
doctor-sr-vulkan = sr_vulkan { $version }，运行于 { $device }
doctor-installed = 已安装
doctor-missing = 缺失
doctor-optional = 未安装（可选）
doctor-onnxruntime = onnxruntime { $version }，用于自定义 .onnx 模型
doctor-no-onnxruntime = 未安装（可选：自定义 .onnx 模型需要它）
doctor-no-vulkan = 没有 Vulkan 设备；CPU 模式

## srview upscale: a line for each page
page-in-book = { $path }（第 { $added } 页，共 { $pages } 页；随最后一页写入）
page-written = { $path }（已写入）
the-cache = 缓存
page-computed = { $input } -> { $output }
page-cached = { $input } -> { $output }（缓存）
page-skipped = { $input } 已跳过：{ $output } 已存在（--overwrite 可替换）
page-failed = { $input } 失败 [{ $kind }]：{ $error }
page-kept = { $input } -> { $output }（保持原样：{ $reason }）
page-cancelled = { $input } 已取消
page-rule = { $line } [{ $model }，规则“{ $rule }”]
kept-by-rule = 规则“{ $rule }”不放大此页
rule-alreadyLargeEnough = 已经足够大
rule-blackAndWhitePages = 黑白页面
rule-colourPages = 彩色页面
page-book-not-written = { $line }；未写入 { $path }
page-not-exported = { $input }：未导出，未写入 { $path }（其中有页面失败）

## srview upscale: the summary
kept-pages = { $count ->
    [0] {""}
   *[other] ，保持原样 { $count }
}
damaged-books = { $count ->
    [0] {""}
   *[other] ，{ $count } 本书已损坏
}
summary = { $total } 页：新处理 { $computed }，来自缓存 { $cached }，跳过（已存在）{ $skipped }{ $kept }，失败 { $failed }{ $damaged }，用时 { $seconds } 秒
nothing-needed = 没有需要处理的页面
summary-no-pages = 没有放大任何页面：{ $failed ->
    [0] 没有可读取的页面
   *[other] 失败的输入 { $failed } 个
    }{ $damaged }，用时 { $seconds } 秒
summary-failed = 失败：{ $input } [{ $kind }]：{ $error }
summary-damaged = 已损坏：{ $error }
summary-interrupted = 已中断；再次运行同一命令即可继续

## srview compare
psnr = PSNR { $db } dB（整幅 { $width }×{ $height }）；最差的 { $block }×{ $block } 块位于 { $x },{ $y }，为 { $worst } dB
identical = 完全相同（{ $width }×{ $height }）

## srview stats
stats-engine = 引擎：sr_vulkan { $version }，运行于 { $device }，启动用时 { $ms } 毫秒（{ $steps }），常驻内存增加 { $mib } MiB
stats-memory = 内存：当前常驻 { $now } MiB，峰值 { $peak } MiB
stats-budget = ，预算 { $mib } MiB
stats-used = ，已用 { $mib } MiB
stats-device = 设备：{ $name } 堆 { $mib } MiB{ $budget }{ $used }
stats-requests = 请求：{ $requests } 个（{ $hits } 个来自缓存，{ $rate } %），每分钟 { $pages } 页
stats-stage = 阶段
stats-count = 次数
stats-median = 中位数
stats-p95 = p95
stage-cache-lookup = 查找缓存
stage-check = 检查
stage-queue-wait = 排队等待
stage-compute = 放大
stage-write = 写入
stage-total = 合计
stats-model = { $model }：{ $requests } 个请求，放大耗时中位数 { $median } 毫秒，p95 { $p95 } 毫秒

## Options refused
timeout-not-number = `{ $text }` 不是秒数
timeout-out-of-range = `{ $text }` 不能作为超时：请给出大于 0 且不超过 { $max } 的秒数
o-names-unwritable = -o 指定的是 .{ $extension } 文件，而 SRView 只能写入 webp、png 或 jpg
o-format-mismatch = -o 指定的是 .{ $named } 文件，但 --format 要求 { $asked }
rules-need-auto = --rules 需与 --model auto 一起使用
auto-chooses-scale = 使用 --model auto 时由规则决定倍率；请不要指定 --scale、--width 和 --height
not-a-rules-file = { $file } 不是规则文件。详细信息：{ $error }
o-takes-one = -o 只接受一个文件或一本书；多个请使用 --out-dir
no-cache-needs-output = { $flag } 需要 -o 或 --out-dir，否则结果无处保存
no-tiling-flag = --no-tiling（不使用缓存）
compare-sizes = compare 需要两张尺寸相同的图片；这两张分别是 { $a } 和 { $b }

## Error kinds
kind-python_unavailable = Python 不可用。
kind-sr_vulkan_missing = 未安装放大引擎（sr_vulkan）。
kind-model_package_missing = 未安装此模型所需的软件包。
kind-unknown_model = 未知模型。
kind-models_dir_missing = 模型文件夹不存在。
kind-custom_model_broken = 自定义模型无法使用。
kind-bad_model_output = 模型给出了不可用的结果。
kind-unsupported_on_cpu = 此模型无法在 CPU 模式下运行。
kind-invalid_option = 选项无效。
kind-input_not_found = 文件不存在。
kind-not_an_image = 不是 SRView 能读取的图片。
kind-corrupt_image = 图片已损坏或不完整。
kind-image_too_large = 图片尺寸过大。
kind-too_many_frames = 动图帧数过多。
kind-file_too_large = 文件过大。
kind-skipped = 未放大。
kind-upscale_failed = 无法放大此页。
kind-cancelled = 请求已取消。
kind-timeout = 请求超时。
kind-engine_unavailable = 放大引擎未运行。
kind-corrupt_archive = 漫画书已损坏，或不是 SRView 能读取的格式。
kind-damaged_book = 漫画书已损坏。
kind-unsupported_compression = 漫画书使用了 SRView 无法读取的压缩方式。
kind-missing_volume = 分卷漫画书缺少其中一卷。
kind-encrypted = 漫画书受密码保护。
kind-no_pages = 漫画书中没有图片。
kind-pdf_cut_short = PDF 不完整。
kind-too_many_pages = 漫画书页数过多。
kind-unpacks_too_large = 漫画书解压后远超其大小应有的体积。
kind-would_overwrite_source = SRView 不会覆盖源图片。
kind-output_exists = 输出文件已存在。
kind-cache_root_refused = 此文件夹不能用作 SRView 的缓存。
kind-io = SRView 无法读写文件。
kind-python = 放大引擎的 Python 代码出错。
kind-out_of_memory = 设备内存不足。
kind-internal = SRView 内部出错（请报告此问题）。

## srview --help
help-heading-usage = 用法:
help-heading-arguments = 参数
help-heading-options = 选项
help-heading-commands = 命令
help-help = 显示帮助
help-default = 默认
help-help-command = 显示此信息或指定命令的帮助
help-version = 显示版本
help-srview = 用 sr_vulkan（waifu2x、Real-CUGAN、Real-ESRGAN、RealSR）放大图像
help-srview-json = 在标准输出上输出机器可读的 JSON。
help-srview-venv = 装有 sr-vulkan 的 venv（默认依次为 $SRVIEW_VENV、$VIRTUAL_ENV、.venv）。
help-srview-gpu = 设备：`srview gpus` 列出的 GPU 编号，-1 或 `cpu` 表示 CPU 模式，或 `auto`。
help-srview-cache = 缓存文件夹（默认 $XDG_CACHE_HOME/srview 或 ~/.cache/srview）。它必须为空、新建或是 SRView 的缓存：SRView 从不清理不是它写入的文件夹。
help-srview-models_dir = 自定义放大器（.onnx 模型和 .py 插件）所在的文件夹，以 `custom:<文件名>` 使用（默认 $XDG_DATA_HOME/srview/models 或 ~/.local/share/srview/models）。
help-upscale = 放大图像或图像文件夹。没有输入时放大自带的示例。
help-upscale-inputs = 图像、文件夹（递归读取）和书（.cbz、.cbr、.cb7、.zip、.rar、.7z、.pdf）。
help-upscale-out = 输出文件，用于单个输入（书的输出以 .cbz 结尾时即为 .cbz）。
help-upscale-out_dir = 输出文件夹；其中按原样重建源目录结构。
help-upscale-cbz = 把每本书写成一个 .cbz（页面按顺序，ComicInfo.xml 等原样保留）。
help-upscale-name = 输出文件的命名方式：{ "{name}" }、{ "{scale}" }、{ "{model}" } 和 { "{ext}" }。
help-upscale-keep_names = 保留原来的文件名（换成新的扩展名）；与新的 --out-dir 一起使用。
help-upscale-overwrite = 替换已存在的输出文件（默认保留它们，并报告为已跳过）。
help-upscale-model = 一个模型（`srview models` 列出全部），或 `auto`：由规则为每页选择模型和倍率（默认：黑白页和彩色页各用适合的模型，选择 2× 或 4× 以达到 --target-height，已经足够高的页面不放大）。默认是快速的 waifu2x anime（UpConv7）；waifu2x CUNet 更清晰，但慢约三倍。
help-upscale-target_height = 使用 `--model auto` 时：规则要放大到的高度。
help-upscale-rules = 使用 `--model auto` 时：代替默认规则的规则 JSON 文件（{ "{" }"rules": [...], "targetHeight": N{ "}" }）。
help-upscale-scale = 按此倍数放大（默认 2）。
help-upscale-width = 放大到此宽度（与 --height 一起使用）。
help-upscale-height = 放大到此高度（与 --width 一起使用）。
help-upscale-tile = sr_vulkan 的分块大小；0 表示为设备和模型选择最快的。
help-upscale-no_tiling = 每页用一次 sr_vulkan 调用放大，而不分块（用于比较两者）；保存分块结果的缓存既不读取也不写入。
help-upscale-tta = 使用模型的 TTA 版本：效果略好，慢约八倍。
help-upscale-format = webp、png 或 jpg；默认取 -o 的扩展名，否则为 webp。
help-upscale-quality = WebP 和 JPEG 的质量，0 到 100。
help-upscale-no_cache = 既不读取也不写入缓存。
help-upscale-max_pixels = 拒绝超过此像素数的输入（动画计入所有帧）。
help-upscale-max_bytes = 在读取之前拒绝超过此字节数的输入文件（及书中的条目）。
help-upscale-max_frames = 拒绝帧数多于此值的动画。
help-upscale-max_decompressed_bytes = 内存中同时保存的解压书籍数据最多为此字节数。
help-upscale-max_pages = 拒绝页数多于此值的 PDF 书。
help-upscale-pdf_height = 以此像素高度渲染不是单张图像的 PDF 页面（文字、图形）。
help-upscale-timeout = 一张图像放大超过此秒数后放弃（等待时间不计）。
help-upscale-stats = 批处理后输出引擎的数据：各阶段用时、缓存命中率、内存。
help-gpus = 列出 Vulkan 设备和正在使用的设备。
help-models = 列出模型，以及其系列、倍率和是否已安装。
help-doctor = 检查 Python、sr_vulkan 和模型包，并说明各自的修复方法。
help-stats = 启动引擎并输出其数据：启动步骤、内存、设备堆。
help-compare = 比较两张相同尺寸的图像：整张图像及其最差的 64×64 块的 PSNR（例如分块放大的页面与一次调用放大的同一页面）。
help-compare-a = 第一张图像。
help-compare-b = 第二张图像，尺寸相同。
help-cache = 查看或清理缓存。
help-cache-stats = 缓存中的条目数和字节数，以及最旧和最新的条目。
help-cache-clean = 按时间（默认 30 天）、大小上限或全部删除条目。
help-cache-clean-max_age_days = 删除此天数内未使用的条目。
help-cache-clean-max_bytes = 从最久未使用的条目开始删除，直到缓存不超过此字节数。
help-cache-clean-all = 删除所有条目（从不删除不是 SRView 写入的文件）。
