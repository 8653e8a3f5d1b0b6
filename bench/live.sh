#!/usr/bin/env bash
# live.sh — guidedbp in a live pipeline with a slow model: output frame rate
# and latency, synchronous vs interval=4 vs async (never run by CI).
#
#   bash bench/live.sh            (after building; from the source tree)
#
# A live videotestsrc at 30 fps, 640x480, through guidedbp to a fakesink
# synchronised to the clock, for about SECONDS_RUN seconds after the model
# is loaded (LOAD_SECONDS, default 20, are allowed for that). For each mode:
#   out fps     frames that reached the sink per second of wall-clock time
#               (from the first frame's arrival to the last's)
#   dropped     frames a 30 fps camera would have delivered in that time
#               that did not reach the sink (QoS drops, or frames never
#               captured while the source waited for the element)
#   latency     the pipeline's configured latency (what the sink waits: a
#               frame is shown this long after it was captured)
#   path        mean time a frame took from the source's pad to the sink's
#               (latency tracer)
#   saliency/s  saliency maps computed per second (the element's messages):
#               in async mode, how fresh the drawn saliency is
#
# Environment:
#   MODEL        TorchScript classifier (default: bench/models/vgg16.pt,
#                exported with random weights when missing)
#   SECONDS_RUN  run length in seconds (default: 10)
#   LOAD_SECONDS added to each run for the model load (default: 20)
#   GBP_PROPS    more guidedbp properties for every mode (e.g. num-threads=2)
set -euo pipefail
cd "$(dirname "$0")/.."

model=${MODEL:-bench/models/vgg16.pt}
if [ ! -f "$model" ] && [ -z "${MODEL:-}" ]; then
  mkdir -p bench/models
  /usr/bin/python3 tools/export-torchvision.py vgg16 "$model" --random-weights \
    >/dev/null
fi
seconds=${SECONDS_RUN:-10}
read -r -a props <<< "${GBP_PROPS:-}"
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
log=$(mktemp -d)
trap '[ -n "${KEEP_LOG:-}" ] || rm -rf "$log"' EXIT

# run NAME PROPS...: one live run of about $seconds seconds of video after
# the model is loaded; prints a table row.
run() {
  local name=$1 out
  shift
  out="$log/$name.log"
  # -e: SIGINT ends the stream with EOS. The timeout covers the model load.
  GST_TRACERS=latency GST_DEBUG="GST_TRACER:7,bin:4" GST_DEBUG_NO_COLOR=1 \
    timeout -s INT "$((seconds + ${LOAD_SECONDS:-20}))" gst-launch-1.0 -e -v -m \
    videotestsrc is-live=true pattern=ball \
    ! video/x-raw,width=640,height=480,framerate=30/1 ! videoconvert \
    ! guidedbp model="$model" post-messages=true "${props[@]}" "$@" ! videoconvert \
    ! fakesink sync=true silent=false > "$out" 2>&1 || true
  awk -v name="$name" '
    /configured latency of/ { latency = $NF }
    /from element "guidedbp0" \(element\)/ { maps++ }
    /latency, src-element-id/ && /sink-element=\(string\)fakesink/ {
      match($0, /time=\(guint64\)[0-9]+/)
      path += substr($0, RSTART + 14, RLENGTH - 14) / 1e6
      match($0, / ts=\(guint64\)[0-9]+/)
      ts = substr($0, RSTART + 13, RLENGTH - 13) / 1e9
      if (n == 0) first = ts
      last = ts; n++
    }
    END {
      span = last - first
      fps = span > 0 ? (n - 1) / span : 0
      mean = n > 0 ? path / n : 0
      printf "%-12s %8.1f %8d %14s %10.0f ms %11.1f\n", name, fps,
        span * 30 + 1 - n, latency, mean, (span > 0 ? maps / span : 0)
    }' "$out"
}

echo "model $model, live 640x480 at 30 fps, about ${seconds} s per mode"
printf "%-12s %8s %8s %14s %13s %11s\n" mode "out fps" dropped latency path \
  saliency/s
run sync
run interval=4 interval=4
run async async=true
# one thread: the streaming thread's own work (conversion, rendering every
# frame) competes with the model's threads in async mode
run async-1thr async=true num-threads=1
