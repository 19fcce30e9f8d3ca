"""Is a chat message English or Indonesian? A guess from common words, slang, affixes, letters."""

from __future__ import annotations

import math
import re
from functools import cache

from bot.models.alay import alay_vocabulary

LANGUAGES = ("en", "id")
SCAN_CHARS = 2_000
"""Only this many leading characters are read: the first sentences settle the language."""

_INDONESIAN = frozenset(
    """
    yang dan di ke dari ini itu tidak gak nggak enggak tak bukan belum sudah udah telah akan
    aku saya kamu kau engkau anda dia kita kami mereka kalian gue gua gw lu elu beliau
    dengan untuk pada dalam oleh kepada tentang bagi tanpa antara sampai hingga sejak
    karena tapi tetapi namun atau kalau jika jadi agar supaya biar serta maka juga lagi
    masih sedang bisa dapat boleh harus mau ingin perlu pernah sering selalu mungkin pasti
    siapa kapan kenapa mengapa bagaimana gimana berapa dimana kemana apakah adalah ialah
    merupakan yaitu banyak semua setiap sangat banget sekali lebih paling cuma hanya saja
    aja doang kok sih dong deh kan iya nih tuh loh lho yuk ayo sekarang nanti tadi kemarin
    besok malam pagi siang sore tahun orang anak rumah baru bagus baik jelek benar salah betul
    begitu begini gitu gini seperti kayak sendiri bersama masing emang memang terus lalu
    kemudian habis abis mulai acara pakai buat bikin tahu tau lihat liat bilang tolong terima
    kasih makasih maaf selamat mohon silakan semoga insyaallah astaga hati cinta mata mulut
    otak kepala tangan kaki muka wajah hidup mati jahat bodoh pintar cantik ganteng besar kecil
    dunia tuhan umat negara negeri rakyat bangsa pemerintah presiden partai polisi hukum berita
    uang kerja makan minum tidur jalan kota daerah suku agama warga kaum teman pacar ibu bapak
    kakak adik keluarga sekolah kantor harga murah mahal beli jual bayar kirim cari kasih
    kata bicara tanya jawab dengar kenal pikir rasa suka benci marah takut malu senang sedih
    sakit capek lapar mantap keren lucu aneh gila parah kasihan ganti pilih menang kalah
    anjing anjir anjay bangsat goblok tolol bego dungu kontol memek babi kampret bacot asu
    jancuk brengsek bajingan keparat sialan setan iblis monyet sampah tai tahi bencong banci
    kafir kampungan norak lonte pelacur ngentot pantat
    wkwk wkwkwk wkwkwkwk awokawok
    """.split()
)
_INDONESIAN_OR_NAME = frozenset(
    "ya dan nah jam mana ada pun para kata lama apa ia kaya amin".split()
)
"""Indonesian words that are also English words or names (Dan, Lama, ADA): weaker evidence."""

_ENGLISH = frozenset(
    """
    the a an and or but if so because than then that this these those there here what which
    who whom whose when where why how is are was were be been being am do does did done have
    has had having will would shall should can could may might must not no yes you your yours
    i me my mine we us our they them their he him his she her it its to of in on at for with
    from by about into over after before up down out off again just only very really also
    too all any some every more most much many such own same other another each both few
    get got go going gone know think want like make made say said see look come take give
    tell need feel let keep people thing things man woman men women guy guys time way day
    good bad great right wrong sure well even still ever never always now today something
    nothing everything someone anyone everyone lol lmao omg wtf idk smh tbh imo please
    thanks thank sorry yeah yep nope okay hey hi hello love hate true false real
    life world country women's kids girl boy friend friends family job work money home school
    year years week night morning vote party president police law news gun guns free new old
    big little long best worst better worse stupid dumb idiot crazy ugly pretty cute nice
    funny sad happy mad shit fuck fucking bitch damn hell dick hoe hoes nigga
    god yes bro dude lady ladies sir
    don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't shouldn't
    i'm you're we're they're he's she's it's that's what's there's i've you've we've i'll
    you'll we'll i'd you'd let's who's
    """.split()
)
_ENGLISH_LOOKALIKES = frozenset(
    "dr bs mo gt pd cb td tp mf blm kk org sm mn ni tu ea oh main media film allah".split()
)
"""Words the alay table reads that are also common in English chat: no evidence either way."""

_IGNORED = re.compile(
    r"(?:https?:|www\.)\S+"  # links (also with escaped slashes, https:\/\/t.co)
    r"|[@#]\w+"  # mentions and hashtags
    r"|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[nrt])"  # escaped bytes and line breaks
    r"|&#?\w+;"  # HTML entities
    r"|\b(?:USER|URL|RT)\b"  # dataset placeholders
)
_TOKEN = re.compile(r"(?<![^\W\d_])[a-z]+(?:['’][a-z]+)?(?![^\W\d_])")
"""Plain Latin words; a word glued to other letters (mojibake such as `Ã°`) is not read."""
_REPEATS = re.compile(r"(.)\1+")
_LAUGH = re.compile(r"(?:wk){2,}w?|(?:kw){2,}k?|a?wo?k(?:awo?k)+")
_NEUTRAL = re.compile(r"(?:h[aeiou])+h?|hm|ok|wow")
"""Laughter, `hmm`, `ok`, `wow`: written the same in both languages."""
_ID_AFFIXED = re.compile(
    r"(?:me(?:ng|ny|m|n)|pe(?:ng|ny|m|n)|ber|ter|per|di)[a-z]{3,}(?:kan|an|i)|[a-z]{3,}nya"
)
_ID_PREFIXED = re.compile(r"(?:me(?:ng|ny|m|n)|pe(?:ng|ny|m|n)|ber|ter|ke|se)[a-z]{4,}")
_EN_AFFIXED = re.compile(r"[a-z]{3,}(?:tion|ness|ment|ful|less|ly|ed|ies|ity)")
_EN_DIGRAPH = re.compile(r"th|wh|sh|ph|ck|ee|oo|ou|ing$")


def _per_letter(table: str) -> dict[str, float]:
    items = table.split()
    return {letter: float(share) for letter, share in zip(items[::2], items[1::2], strict=True)}


# Letter frequencies (per cent) of running text, from general knowledge of each language:
# Indonesian is rich in a, k, u, g, j and poor in o, h, w, f, v, q, x, z.
_ENGLISH_LETTERS = _per_letter(
    """
    a 8.2 b 1.5 c 2.8 d 4.3 e 12.7 f 2.2 g 2.0 h 6.1 i 7.0 j 0.15 k 0.8 l 4.0 m 2.4
    n 6.7 o 7.5 p 1.9 q 0.1 r 6.0 s 6.3 t 9.1 u 2.8 v 1.0 w 2.4 x 0.15 y 2.0 z 0.07
    """
)
_INDONESIAN_LETTERS = _per_letter(
    """
    a 18.9 b 2.6 c 0.7 d 3.9 e 8.3 f 0.2 g 3.6 h 2.5 i 8.2 j 0.8 k 4.7 l 3.2 m 3.8
    n 9.0 o 2.7 p 2.6 q 0.02 r 4.6 s 4.0 t 4.7 u 5.0 v 0.1 w 0.6 x 0.03 y 1.6 z 0.05
    """
)
_LETTER_EVIDENCE = {
    letter: math.log(_INDONESIAN_LETTERS[letter] / _ENGLISH_LETTERS[letter])
    for letter in _ENGLISH_LETTERS
}
LETTER_WEIGHT = 0.2
"""How much one letter of an unknown word counts, against 2 for a known word."""


@cache
def _slang() -> frozenset[str]:
    return alay_vocabulary() - _ENGLISH - _ENGLISH_LOOKALIKES - _INDONESIAN_OR_NAME


def language_scores(text: str) -> dict[str, float]:
    """The evidence for each language in `text`, as {'en': ..., 'id': ...}; both 0 when there is
    none (empty, emoji, only links and mentions). Never raises."""
    cleaned = _IGNORED.sub(" ", text[:SCAN_CHARS]).lower()
    english = indonesian = 0.0
    slang = _slang()
    for token in _TOKEN.findall(cleaned):
        token = token.replace("’", "'")
        weight = 2.0 if len(token) > 1 else 1.0
        if token not in _INDONESIAN and token not in _ENGLISH:
            token = _REPEATS.sub(r"\1", token)
        if _NEUTRAL.fullmatch(token):
            continue
        if token in _INDONESIAN:
            indonesian += weight
        elif token in _ENGLISH:
            english += weight
        elif token in _INDONESIAN_OR_NAME:
            indonesian += 1
        elif token in slang or _LAUGH.fullmatch(token):
            indonesian += 1.5
        elif "'" in token:
            english += 1
        else:
            letters = LETTER_WEIGHT * sum(_LETTER_EVIDENCE[c] for c in token)
            indonesian += max(letters, 0.0) + _indonesian_shape(token)
            english += max(-letters, 0.0) + _english_shape(token)
    return {"en": english, "id": indonesian}


def detect_language(text: str, default: str = "en") -> str:
    """'id' or 'en': the language with more evidence; `default` when neither has any or they tie.

    Always one of the two, so a per-language model router can act on it. Code-mixed text goes
    to the side with more evidence; slang Indonesian counts as Indonesian."""
    scores = language_scores(text)
    if scores["id"] == scores["en"]:
        return default
    return "id" if scores["id"] > scores["en"] else "en"


def _indonesian_shape(token: str) -> float:
    if len(token) < 5:
        return 0.0
    if _ID_AFFIXED.fullmatch(token):
        return 1.0
    return 0.5 if _ID_PREFIXED.fullmatch(token) else 0.0


def _english_shape(token: str) -> float:
    if len(token) < 5:
        return 0.0
    if _EN_AFFIXED.fullmatch(token):
        return 1.0
    return 0.5 if _EN_DIGRAPH.search(token) else 0.0
