#!/usr/bin/env bash
# Renders every prompt in sounds/prompts.tsv to sounds/<name>.wav: 8 kHz, 16-bit signed PCM,
# mono WAV, the format Asterisk (format_wav) and FreeSWITCH play without transcoding.
#
#   bash scripts/generate-sounds.sh            # (re)write every WAV
#   bash scripts/generate-sounds.sh --check    # render to a temp dir, fail if any WAV differs
#   bash scripts/generate-sounds.sh NAME...    # only these prompts
#
# Needs espeak-ng and sox (Debian: apt-get install -y espeak-ng sox). The WAVs are committed,
# so nothing else in the project needs these tools: tests and the simulated PBX read the real
# lengths from the files.
#
# Reproducible on purpose: a fixed voice and speed, no dither (-D) and SoX's repeatable random
# mode (-R), so two runs with the same espeak-ng/sox versions give identical bytes and a
# regenerated file only shows up in a diff when its text changed. SoX writes a plain RIFF
# header with no date or comment chunk.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOUNDS="$ROOT/sounds"
TSV="$SOUNDS/prompts.tsv"
VOICE="en-us"
SPEED=150 # words per minute: slower than espeak's 175 default, easier to follow on a phone line
PITCH=45

CHECK=0
ONLY=()
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h | --help)
      sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "generate-sounds: unknown option $arg" >&2
      exit 2
      ;;
    *) ONLY+=("$arg") ;;
  esac
done

for tool in espeak-ng sox; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "generate-sounds: $tool is missing (Debian: apt-get install -y espeak-ng sox)" >&2
    exit 1
  fi
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$SOUNDS"
if [[ $CHECK -eq 1 ]]; then
  OUT="$WORK/out"
  mkdir -p "$OUT"
fi

# Common SoX output format: 8 kHz, 16-bit signed, mono WAV.
SOX_OUT=(-t wav -r 8000 -b 16 -c 1 -e signed-integer)

# Speech: espeak-ng renders 22.05 kHz; SoX resamples (high quality), normalises to -3 dBFS and
# pads a little silence so the first syllable is not clipped by a PBX starting the stream.
render_speech() {
  local name="$1" text="$2"
  printf '%s' "$text" | espeak-ng --stdin -v "$VOICE" -s "$SPEED" -p "$PITCH" -w "$WORK/$name.raw.wav"
  sox -D -R -V1 "$WORK/$name.raw.wav" "${SOX_OUT[@]}" "$OUT/$name.wav" \
    remix - rate -h 8000 norm -3 pad 0.1 0.25
}

# Music on hold: a soft chime arpeggio (C, Am, F, G; four notes each) of exactly 10 s that
# loops cleanly, each note a sine with its octave mixed in and a quick fade out.
render_hold_music() {
  local name="$1" i=0 freq
  local notes=(523.25 659.25 783.99 659.25 440.00 523.25 659.25 523.25
    349.23 440.00 523.25 440.00 392.00 493.88 587.33 493.88)
  local parts=()
  for freq in "${notes[@]}"; do
    i=$((i + 1))
    sox -D -R -V1 -n "${SOX_OUT[@]}" "$WORK/note-$i.wav" \
      synth 0.625 sine "$freq" synth 0.625 sine mix "$(awk "BEGIN{print $freq*2}")" \
      fade q 0.01 0.625 0.5 vol 0.35
    parts+=("$WORK/note-$i.wav")
  done
  sox -D -R -V1 "${parts[@]}" "${SOX_OUT[@]}" "$OUT/$name.wav" norm -6
}

wanted() {
  local name="$1" n
  [[ ${#ONLY[@]} -eq 0 ]] && return 0
  for n in "${ONLY[@]}"; do [[ "$n" == "$name" ]] && return 0; done
  return 1
}

count=0
seen=" "
while IFS=$'\t' read -r name text || [[ -n "$name" ]]; do
  [[ -z "$name" ]] && continue
  # kebab-case ASCII: Asterisk (sound:hotline/<name>) and FreeSWITCH paths need no quoting.
  if [[ ! "$name" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]]; then
    echo "generate-sounds: bad prompt name '$name' in $TSV (kebab-case ASCII only)" >&2
    exit 1
  fi
  if [[ "$seen" == *" $name "* ]]; then
    echo "generate-sounds: duplicate prompt name '$name' in $TSV" >&2
    exit 1
  fi
  seen+="$name "
  wanted "$name" || continue
  case "$name" in
    hold-music) render_hold_music "$name" ;;
    *) render_speech "$name" "$text" ;;
  esac
  count=$((count + 1))
done <"$TSV"

for n in "${ONLY[@]}"; do
  if [[ "$seen" != *" $n "* ]]; then
    echo "generate-sounds: no prompt named '$n' in $TSV" >&2
    exit 1
  fi
done

if [[ $CHECK -eq 1 ]]; then
  status=0
  for f in "$OUT"/*.wav; do
    if ! cmp -s "$f" "$SOUNDS/$(basename "$f")"; then
      echo "generate-sounds: sounds/$(basename "$f") differs from a fresh render" >&2
      status=1
    fi
  done
  [[ $status -eq 0 ]] && echo "generate-sounds: $count prompts match a fresh render"
  exit $status
fi
echo "generate-sounds: wrote $count prompts to sounds/"
