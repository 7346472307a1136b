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
page-cancelled = { $input } 已取消
page-rule = { $line } [{ $model }，规则“{ $rule }”]
page-book-not-written = { $line }；未写入 { $path }
page-not-exported = { $input }：未导出，未写入 { $path }（其中有页面失败）

## srview upscale: the summary
damaged-books = { $count ->
    [0] {""}
   *[other] ，{ $count } 本书已损坏
}
summary = { $total } 页：新处理 { $computed }，来自缓存 { $cached }，跳过（已存在）{ $skipped }，失败 { $failed }{ $damaged }，用时 { $seconds } 秒
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
