#!/usr/bin/env bash
# Writes the sample clips under samples/audio/ and the audio test resources under
# model/src/test/resources/audio/: bad inputs (bad/) and the reference PCM of every clip (pcm/).
# Run by hand when the clips change; the build only reads the committed files.
#
# Needs espeak-ng, sox and ffmpeg (Debian: apt-get install espeak-ng sox ffmpeg).
#
# Reference PCM is what transformers' ffmpeg_read gets: the clip piped through
#   ffmpeg -i pipe:0 -ac 1 -ar 16000 -f f32le pipe:1
# written gzipped as <clip>.16000.f32.gz (little-endian float32), and for lossless clips not at
# 16 kHz also at their own rate (-ac 1 only) as <clip>.native.f32.gz.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/samples/audio
res=$root/model/src/test/resources/audio
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$out" "$res"
mkdir -p "$out" "$res/bad" "$res/pcm"

say() { espeak-ng -v en -s 170 -w "$work/$1.wav" "$2"; }
say cat "the cat sat on the mat"
say hello "hello world"
say long "hello there, my name is wolfgang and I live in berlin. the team won the game, and the election law vote is new."

# sox without dither (-D), so the clips are the same on every run.
conv() { sox -D "$work/$1.wav" "${@:3}" "$out/$2"; }
conv cat speech-16k-s16.wav -r 16000 -c 1 -b 16 -e signed-integer
conv cat speech-16k-u8.wav -r 16000 -c 1 -b 8 -e unsigned-integer
conv cat speech-16k-s24.wav -r 16000 -c 1 -b 24 -e signed-integer
conv cat speech-16k-s32.wav -r 16000 -c 1 -b 32 -e signed-integer
conv cat speech-16k-f32.wav -r 16000 -c 1 -b 32 -e floating-point
conv cat speech-8k-mulaw.wav -r 8000 -c 1 -b 8 -e mu-law
conv hello speech-44k1-s16.wav -r 44100 -c 1 -b 16 -e signed-integer
conv long speech-long-16k.flac -r 16000 -c 1 -b 16
conv cat speech-16k.flac -r 16000 -c 1 -b 16

# Stereo with different channels (the right one quieter and later), so averaging is visible.
stereo() {
  sox -D "$work/$1.wav" -r "$2" -c 1 -b 16 "$work/left.wav"
  sox -D "$work/left.wav" "$work/right.wav" vol 0.5 pad 0.05 trim 0 "$(soxi -D "$work/left.wav")"
  sox -D -M "$work/left.wav" "$work/right.wav" -b 16 -e signed-integer "$out/$3"
}
stereo cat 16000 speech-16k-stereo.wav
stereo hello 48000 speech-48k-stereo.wav

sox -D -n -r 16000 -c 1 -b 16 -e signed-integer "$out/silence-16k.wav" trim 0 1.5

# Lossy formats through ffmpeg, without version strings in the files.
enc() { ffmpeg -hide_banner -loglevel error -i "$1" -map_metadata -1 -fflags +bitexact -flags:a +bitexact "${@:3}" "$out/$2"; }
sox -D "$work/cat.wav" -r 44100 -c 1 -b 16 "$work/cat44.wav"
sox -D "$work/cat.wav" -r 48000 -c 1 -b 16 "$work/cat48.wav"
enc "$work/cat44.wav" speech-44k1.mp3 -c:a libmp3lame -b:a 48k
enc "$out/speech-16k-s16.wav" speech-16k.ogg -c:a libvorbis -q:a 2
enc "$work/cat48.wav" speech-48k.opus -c:a libopus -b:a 24k

# Bad inputs.
bad=$res/bad
: > "$bad/empty.wav"
size=$(stat -c %s "$out/speech-16k.flac")
head -c $((size * 3 / 5)) "$out/speech-16k.flac" > "$bad/truncated.flac"
# The header (44 bytes) still declares every sample; the file holds half of them.
size=$(stat -c %s "$out/speech-16k-s16.wav")
head -c $((44 + (size - 44) / 2)) "$out/speech-16k-s16.wav" > "$bad/lying-header.wav"
# A frame sync word followed by junk, spliced in the middle of a valid MP3.
size=$(stat -c %s "$out/speech-44k1.mp3")
{
  head -c $((size / 2)) "$out/speech-44k1.mp3"
  printf '\xff\xfb\x90\x64'
  printf 'garbage in the middle of the stream %.0s' {1..16}
  tail -c +$((size / 2 + 1)) "$out/speech-44k1.mp3"
} > "$bad/garbage-frame.mp3"
printf '{"text": "this is not audio"}\n' > "$bad/not-audio.json"

# Reference PCM, through a pipe as ffmpeg_read does.
pcm() { ffmpeg -hide_banner -loglevel error -i pipe:0 -ac 1 "${@:2}" -f f32le pipe:1 < "$1"; }
for clip in "$out"/*; do
  name=$(basename "$clip")
  pcm "$clip" -ar 16000 | gzip -9n > "$res/pcm/$name.16000.f32.gz"
  case "$name" in
    *.wav|*.flac)
      rate=$(soxi -r "$clip")
      if [ "$rate" != 16000 ]; then pcm "$clip" | gzip -9n > "$res/pcm/$name.native.f32.gz"; fi
      ;;
  esac
done
# What ffmpeg makes of the damaged files that still hold audio (it skips what it cannot decode).
for name in truncated.flac garbage-frame.mp3 lying-header.wav; do
  pcm "$bad/$name" -ar 16000 2>/dev/null | gzip -9n > "$res/pcm/bad-$name.16000.f32.gz"
done
du -sh "$out" "$res"
