""" "Écouter": the article read aloud, rendered by the background worker with espeak-ng.

Here, in the catalogue, beside the image renditions (`images.py`): a spoken rendition is
derived from the article's own text and nothing else, the way a resized image is derived
from its upload. It needs no reader, no subscription and no page; which rendition a
reader may hear is decided by `subscriptions.access.reading_for()`, like the text.

Two renditions per gated piece, as for the summary: the public part (`Article.public_view`:
title, standfirst and teaser paragraphs, then a sentence saying the rest is for
subscribers) and the full text. A public piece has one. They are made from text we can
check (`speech_text()`), handed to espeak-ng on its standard input (French voice), and
encoded to MP3 by LAME: mono, constant 32 kbit/s, which every browser plays, seeks
precisely (constant bit rate) and keeps to about 240 KB a minute.

The files live in their own storage (`STORAGES["audio"]`), never served by the web
server: only `pages.views.article_audio` serves them, after the access rule. The
background worker makes and stores them (`tasks.article_audio_render`); this module only
knows how to turn an article into speech.
"""

import hashlib
import re
import subprocess
import tempfile
import wave
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.utils import translation
from django.utils.translation import gettext

from .rendering import plain_text

# Long enough for the longest piece (espeak-ng speaks ~40× faster than real time here).
RENDER_TIMEOUT = 600


class AudioUnavailable(Exception):
    """espeak-ng or LAME is missing or failed: the page keeps its fallback."""


def audio_storage():
    return storages["audio"]


def speech_text(article, *, full):
    """What the voice reads: the title, the standfirst and the paragraphs this rendition is
    made of (each heading and paragraph its own line, so the voice pauses between them).

    `full=False` is the public part only, `Article.public_view`, never a word past it; a
    gated piece's public rendition ends by saying that the rest is for subscribers.
    """
    view = article.public_view
    blocks = article.body_blocks if full and article.is_gated else view.teaser_blocks
    lines = [view.title, view.standfirst, *(plain_text(block) for block in blocks)]
    if view.is_gated and not full:
        # Articles are written in French: the voice and its last sentence are French.
        with translation.override("fr"):
            lines.append(gettext("La suite de cet article est réservée aux abonnés."))
    return "\n".join(_speakable(line) for line in lines if line and line.strip())


def _speakable(line):
    """A line as espeak-ng should read it: one line, ending with a stop so the voice pauses."""
    line = re.sub(r"\s+", " ", line).strip()
    return line if line[-1:] in '.!?…»"' else f"{line}."


def fingerprint(article):
    """What the renditions of this article are made from, in 32 hex digits: when it
    changes, the audio on file no longer says what the page says."""
    parts = [speech_text(article, full=False)]
    if article.is_gated:
        parts.append(speech_text(article, full=True))
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()


def synthesize(text):
    """MP3 bytes and the duration in seconds of `text` read by espeak-ng's French voice."""
    with tempfile.TemporaryDirectory(prefix="newsreader-audio-") as folder:
        wav, mp3 = Path(folder) / "speech.wav", Path(folder) / "speech.mp3"
        _run(
            [
                settings.NEWSREADER_ESPEAK,
                "-v",
                settings.NEWSREADER_AUDIO_VOICE,
                "-s",
                str(settings.NEWSREADER_AUDIO_WORDS_PER_MINUTE),
                "-w",
                str(wav),
                "--stdin",
            ],
            text.encode(),
        )
        with wave.open(str(wav), "rb") as speech:
            seconds = speech.getnframes() / speech.getframerate()
        # Mono, constant 32 kbit/s: plenty for a synthetic voice, seekable to the byte.
        _run([settings.NEWSREADER_LAME, "--quiet", "-m", "m", "-b", "32", "--cbr", str(wav), str(mp3)])
        return mp3.read_bytes(), seconds


def _run(command, stdin=b""):
    try:
        # The programs come from settings; the article's text goes to standard input, never argv.
        subprocess.run(command, input=stdin, capture_output=True, check=True, timeout=RENDER_TIMEOUT)  # noqa: S603
    except FileNotFoundError as error:
        raise AudioUnavailable(f"{command[0]} is not installed (scripts/system-deps installs it)") from error
    except subprocess.CalledProcessError as error:
        raise AudioUnavailable(f"{command[0]} failed: {error.stderr.decode(errors='replace')[:300]}") from error
    except subprocess.TimeoutExpired as error:
        raise AudioUnavailable(f"{command[0]} took longer than {RENDER_TIMEOUT} s") from error
