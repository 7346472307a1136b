# srview の出力（日本語）。メッセージは en.ftl と同じ。

## Times and sizes
unknown-date = 日付不明
just-now = たった今
minutes-ago = { $count } 分前
hours-ago = { $count } 時間前
days-ago = { $count } 日前
progress-pages = ページ
rate = 毎分 { $rate } ページ、残り約 { $left } 秒

## Errors
error-line = srview: エラー [{ $kind }]: { $message }
error-detail = { $sentence } 詳細: { $detail }
interrupted = srview: 中断しました。実行中のタイルが終わりしだい止めます（もう一度 Ctrl-C ですぐに終了）
interrupted-again = srview: 再び中断しました。実行中のタイルを待たずにすぐ終了します（後処理は省略）

## srview gpus
software-vulkan = ソフトウェア Vulkan
gpu = GPU
cores = { $count } コア
in-use = {"  "}<- 使用中
no-vulkan-devices = Vulkan デバイスがありません
cpu-mode-threads = CPU モード、{ $cores } コアで { $threads } スレッド
why = 理由: { $reason }
versions = sr_vulkan { $sr_vulkan }、Python { $python }

## srview models
models-header-model = モデル
models-header-family = 系統
models-header-scale = 倍率
models-header-installed = インストール
models-header-cpu = CPU
broken = 破損
yes = はい
no = いいえ
custom-models = カスタムモデル: { $what }

## srview cache
cache-stats = { $entries } 項目、{ $mib } MiB（{ $root }）
    最も古い使用: { $oldest }
    最も新しい使用: { $newest }
cache-removed = { $entries } 項目、{ $bytes } バイトを削除しました

## srview doctor
doctor-fix = 対処: { $fix }
doctor-python = Python { $version }（{ $venv }）
doctor-sr-vulkan = sr_vulkan { $version }（{ $device }）
doctor-installed = インストール済み
doctor-missing = 見つかりません
doctor-optional = 未インストール（任意）
doctor-onnxruntime = onnxruntime { $version }（カスタム .onnx モデル用）
doctor-no-onnxruntime = 未インストール（任意: カスタム .onnx モデルに必要）
doctor-no-vulkan = Vulkan デバイスなし。CPU モード

## srview upscale: a line for each page
page-in-book = { $path }（{ $pages } ページ中 { $added } ページ目。最後のページとともに書き出し）
page-written = { $path }（書き出し済み）
the-cache = キャッシュ
page-computed = { $input } -> { $output }
page-cached = { $input } -> { $output }（キャッシュ）
page-skipped = { $input } はスキップ: { $output } が既にあります（--overwrite で置き換え）
page-failed = { $input } 失敗 [{ $kind }]: { $error }
page-cancelled = { $input } はキャンセルされました
page-rule = { $line } [{ $model }、ルール「{ $rule }」]
page-book-not-written = { $line }。{ $path } は書き出されません
page-not-exported = { $input }: 書き出されません。{ $path } は書き出されません（一部のページが失敗）

## srview upscale: the summary
damaged-books = { $count ->
    [0] {""}
   *[other] 、壊れたブック { $count } 冊
}
summary = { $total } ページ: 新たに処理 { $computed }、キャッシュから { $cached }、スキップ（既存）{ $skipped }、失敗 { $failed }{ $damaged }、{ $seconds } 秒
nothing-needed = 処理が必要なページはありませんでした
summary-no-pages = アップスケールしたページはありません: { $failed ->
    [0] 読めるページがありませんでした
   *[other] 失敗した入力 { $failed }
    }{ $damaged }、{ $seconds } 秒
summary-failed = 失敗: { $input } [{ $kind }]: { $error }
summary-damaged = 破損: { $error }
summary-interrupted = 中断しました。同じコマンドをもう一度実行すると続きから再開します

## srview compare
psnr = PSNR { $db } dB（{ $width }×{ $height } 全体）。最も悪い { $block }×{ $block } ブロックは { $x },{ $y } で { $worst } dB
identical = 同一（{ $width }×{ $height }）

## srview stats
stats-engine = エンジン: sr_vulkan { $version }（{ $device }）、起動 { $ms } ms（{ $steps }）、常駐メモリーの増加 { $mib } MiB
stats-memory = メモリー: 現在 { $now } MiB、最大 { $peak } MiB
stats-budget = 、割り当て { $mib } MiB
stats-used = 、使用 { $mib } MiB
stats-device = デバイス: { $name } ヒープ { $mib } MiB{ $budget }{ $used }
stats-requests = リクエスト: { $requests } 件（キャッシュから { $hits } 件、{ $rate } %）、毎分 { $pages } ページ
stats-stage = 段階
stats-count = 回数
stats-median = 中央値
stats-p95 = p95
stage-cache-lookup = キャッシュ確認
stage-check = 画像の確認
stage-queue-wait = 順番待ち
stage-compute = 高画質化
stage-write = 保存
stage-total = 合計
stats-model = { $model }: { $requests } 件、処理の中央値 { $median } ms、p95 { $p95 } ms

## Options refused
timeout-not-number = `{ $text }` は秒数ではありません
timeout-out-of-range = `{ $text }` はタイムアウトにできません。0 より大きく { $max } 以下の秒数を指定してください
o-names-unwritable = -o に .{ $extension } ファイルが指定されていますが、SRView が書き出せるのは webp、png、jpg です
o-format-mismatch = -o は .{ $named } ファイルですが、--format は { $asked } を指定しています
rules-need-auto = --rules は --model auto と一緒に使います
auto-chooses-scale = --model auto ではルールが倍率を決めます。--scale、--width、--height は指定しないでください
not-a-rules-file = { $file } はルールファイルではありません。詳細: { $error }
o-takes-one = -o に指定できるのはファイルかブック 1 つです。複数なら --out-dir を使ってください
no-cache-needs-output = { $flag } には -o か --out-dir が必要です。そうしないと結果がどこにも残りません
no-tiling-flag = --no-tiling（キャッシュを使わない）
compare-sizes = compare には同じサイズの画像を 2 つ指定してください。指定された画像は { $a } と { $b } です

## Error kinds
kind-python_unavailable = Python が使えません。
kind-sr_vulkan_missing = 高画質化エンジン（sr_vulkan）がインストールされていません。
kind-model_package_missing = このモデルのパッケージがインストールされていません。
kind-unknown_model = 不明なモデルです。
kind-models_dir_missing = モデルフォルダーがありません。
kind-custom_model_broken = カスタムモデルが使えません。
kind-bad_model_output = モデルの出力が使えない結果でした。
kind-unsupported_on_cpu = このモデルは CPU モードでは動きません。
kind-invalid_option = オプションが正しくありません。
kind-input_not_found = ファイルがありません。
kind-not_an_image = SRView が読める画像ではありません。
kind-corrupt_image = 画像が壊れているか、途中で切れています。
kind-image_too_large = 画像が大きすぎます。
kind-too_many_frames = アニメーションのフレーム数が多すぎます。
kind-file_too_large = ファイルが大きすぎます。
kind-skipped = 高画質化しませんでした。
kind-upscale_failed = このページを高画質化できませんでした。
kind-cancelled = リクエストはキャンセルされました。
kind-timeout = リクエストがタイムアウトしました。
kind-engine_unavailable = 高画質化エンジンが動いていません。
kind-corrupt_archive = ブックが壊れているか、SRView が読めるブックではありません。
kind-damaged_book = ブックが壊れています。
kind-unsupported_compression = SRView が読めない方式で圧縮されたブックです。
kind-missing_volume = 分割されたブックの一部が見つかりません。
kind-encrypted = ブックがパスワードで保護されています。
kind-no_pages = ブックに画像がありません。
kind-pdf_cut_short = PDF が途中で切れています。
kind-too_many_pages = ブックのページ数が多すぎます。
kind-unpacks_too_large = ブックを展開するとサイズに見合わないほど巨大になります。
kind-would_overwrite_source = 元画像を上書きすることはできません。
kind-output_exists = 出力先が既にあります。
kind-cache_root_refused = このフォルダーは SRView のキャッシュにできません。
kind-io = ファイルを読み書きできませんでした。
kind-python = 高画質化エンジンの Python コードでエラーが発生しました。
kind-out_of_memory = デバイスのメモリーが足りません。
kind-internal = SRView の内部で問題が発生しました（報告をお願いします）。
