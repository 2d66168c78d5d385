"""Synthetic articles for the import benchmark: realistic lengths, 20% near-duplicates,
15% translations, and (``mixed=True``) the languages in the shares the sources publish
them: about 45% Russian, 25% English, 30% Kazakh, Kyrgyz, Tajik, Turkmen and Uzbek (Latin
and Cyrillic), as the demo's crawl of the 23 sources has them.

Bodies are drawn from sentences in the voice of the region's ministries (parties from the
five states and their partners); a near-duplicate is an earlier article reprinted hours
later by another source with a dateline, a new lead and a dropped paragraph, as agencies
do; a translation is an earlier article's English version an hour or a few later, with
the same figures, as the ministries and agencies publish them. Articles in the region's
own languages are made of sentences of the development streams (tests/stories/dev*.jsonl,
written in each source's house style), drawn at random, their figures replaced by the
article's own; their language versions share those figures.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

STATES_RU = ["Казахстана", "Кыргызстана", "Таджикистана", "Туркменистана", "Узбекистана"]
PARTNERS_RU = [
    "Китая",
    "России",
    "Турции",
    "Японии",
    "Республики Корея",
    "Индии",
    "Ирана",
    "Германии",
    "США",
    "ЕС",
]
TOPICS_RU = [
    "водно-энергетического сотрудничества",
    "транспортных коридоров",
    "торгово-экономических связей",
    "делимитации государственной границы",
    "ситуации в Афганистане",
    "инвестиционного сотрудничества",
    "культурно-гуманитарных связей",
    "консульских вопросов",
    "подготовки визита на высшем уровне",
]
SOURCES = [
    "mfa_kz",
    "kt_kz",
    "kazinform",
    "tengrinews",
    "kabar",
    "kg24",
    "akipress",
    "uza",
    "dunyo",
    "kun_uz",
    "gazeta_uz",
    "khovar",
    "asiaplus",
    "tdh",
    "trend",
    "timesca",
]
DATELINES = [
    "Астана. {d} ноября. KAZAKHSTAN TODAY - ",
    "ТАШКЕНТ, {d} ноября /УзА/. ",
    "Бишкек, {d} ноября. /Кабар/. ",
]


_LEADS = [
    "Министр иностранных дел {s} провел переговоры с Министром иностранных дел {p}.",
    "Состоялся телефонный разговор глав внешнеполитических ведомств {s} и {p}.",
    "Заместитель министра иностранных дел {s} принял делегацию {p} во главе с послом.",
    "В столице {p} прошли очередные политические консультации между МИД {s} и {p}.",
    "Глава МИД {s} встретился с Чрезвычайным и Полномочным Послом {p}.",
    "Делегация {s} приняла участие в заседании межправительственной комиссии с {p}.",
]
# Sentences are built from parts, so unrelated articles rarely share four words in a row,
# while a reprint (below) shares most of its original's.
_SUBJECTS = [
    "Стороны",
    "Собеседники",
    "Министры",
    "Делегации",
    "Эксперты обеих стран",
    "Главы ведомств",
    "Участники встречи",
    "Представители министерств",
    "Заместители министров",
    "Послы",
]
_VERBS = [
    "обсудили",
    "рассмотрели",
    "подчеркнули важность",
    "отметили прогресс в вопросах",
    "договорились ускорить работу по",
    "обменялись мнениями относительно",
    "высоко оценили итоги",
    "наметили шаги по",
    "согласовали подходы к",
    "выразили заинтересованность в развитии",
]
_OBJECTS = [
    "поставок зерна",
    "строительства автодороги",
    "модернизации пограничных переходов",
    "совместных предприятий",
    "экспорта электроэнергии",
    "обучения дипломатов",
    "туристических обменов",
    "цифровой таможни",
    "транзита грузов через Каспий",
    "охраны ледников",
    "вакцинации скота",
    "запуска прямых авиарейсов",
    "добычи редкоземельных металлов",
    "переработки хлопка",
    "строительства ГЭС",
    "поставок удобрений",
    "открытия консульства",
    "обмена студентами",
    "железнодорожного сообщения",
    "борьбы с наркотрафиком",
]
_TAILS = [
    "на период до {y} года",
    "с объемом инвестиций {n} млн долларов",
    "в приграничных районах",
    "с участием частного сектора",
    "при поддержке международных партнеров",
    "в течение {n} месяцев",
    "с учетом договоренностей {y} года",
    "в рамках дорожной карты",
    "на основе пилотного проекта",
    "силами {n} специалистов",
]


STATES_EN = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
PARTNERS_EN = ["China", "Russia", "Türkiye", "Japan", "the Republic of Korea", "India", "Iran",
               "Germany", "the United States", "the EU"]  # fmt: skip
_LEADS_EN = [
    "The Minister of Foreign Affairs of {s} held talks with the Minister of Foreign Affairs of {p}.",
    "The foreign ministers of {s} and {p} held a telephone conversation.",
    "The Deputy Foreign Minister of {s} received a delegation of {p} led by its ambassador.",
    "Regular political consultations between the foreign ministries of {s} and {p} were held.",
    "The Foreign Minister of {s} met the Ambassador Extraordinary and Plenipotentiary of {p}.",
    "A delegation of {s} took part in the intergovernmental commission with {p}.",
]
_SUBJECTS_EN = ["The sides", "The interlocutors", "The ministers", "The delegations",
                "Experts of both countries", "The heads of the agencies", "The participants",
                "Ministry representatives", "The deputy ministers", "The ambassadors"]  # fmt: skip
_VERBS_EN = ["discussed", "considered", "stressed the importance of", "noted progress on",
             "agreed to speed up work on", "exchanged views on", "praised the results of",
             "outlined steps on", "agreed approaches to", "expressed interest in developing"]  # fmt: skip
_OBJECTS_EN = ["grain supplies", "road construction", "modernising border crossings",
               "joint ventures", "electricity exports", "training diplomats", "tourist exchanges",
               "digital customs", "cargo transit across the Caspian", "protecting glaciers",
               "livestock vaccination", "launching direct flights", "rare-earth mining",
               "cotton processing", "building hydropower plants", "fertiliser supplies",
               "opening a consulate", "student exchanges", "railway links",
               "fighting drug trafficking"]  # fmt: skip
_TAILS_EN = ["until {y}", "with investments of {n} million dollars", "in the border areas",
             "with the private sector", "with the support of international partners",
             "within {n} months", "in line with the agreements of {y}", "under the road map",
             "on the basis of a pilot project", "with {n} specialists"]  # fmt: skip


# The states and partners in the region's own languages, for headlines.
LOCAL = {
    "kk": (["Қазақстан", "Қырғызстан", "Тәжікстан", "Түрікменстан", "Өзбекстан"],
           ["Қытай", "Ресей", "Түркия", "Жапония", "Корея", "Үндістан", "Иран", "Германия",
            "АҚШ", "ЕО"], "{s} мен {p} сыртқы істер министрлері кездесті"),
    "ky": (["Казакстан", "Кыргызстан", "Тажикстан", "Түркмөнстан", "Өзбекстан"],
           ["Кытай", "Россия", "Түркия", "Япония", "Корея", "Индия", "Иран", "Германия",
            "АКШ", "ЕБ"], "{s} менен {p} тышкы иштер министрлери жолугушту"),
    "tg": (["Қазоқистон", "Қирғизистон", "Тоҷикистон", "Туркманистон", "Ӯзбекистон"],
           ["Чин", "Русия", "Туркия", "Ҷопон", "Корея", "Ҳиндустон", "Эрон", "Олмон", "ИМА",
            "ИА"], "Вохӯрии вазирони корҳои хориҷии {s} ва {p}"),
    "tk": (["Gazagystan", "Gyrgyzystan", "Täjigistan", "Türkmenistan", "Özbegistan"],
           ["Hytaý", "Russiýa", "Türkiýe", "Ýaponiýa", "Koreýa", "Hindistan", "Eýran",
            "Germaniýa", "ABŞ", "ÝB"], "{s} bilen {p} daşary işler ministrleri duşuşdy"),
    "uz": (["Qozogʻiston", "Qirgʻiziston", "Tojikiston", "Turkmaniston", "Oʻzbekiston"],
           ["Xitoy", "Rossiya", "Turkiya", "Yaponiya", "Koreya", "Hindiston", "Eron",
            "Germaniya", "AQSH", "YeI"], "{s} va {p} tashqi ishlar vazirlari uchrashdi"),
    "uz-Cyrl": (["Қозоғистон", "Қирғизистон", "Тожикистон", "Туркманистон", "Ўзбекистон"],
                ["Хитой", "Россия", "Туркия", "Япония", "Корея", "Ҳиндистон", "Эрон",
                 "Германия", "АҚШ", "ЕИ"], "{s} ва {p} ташқи ишлар вазирлари учрашди"),
}  # fmt: skip
# The language a state's own sources add to Russian and English.
HOME_LANGUAGES = [("kk",), ("ky",), ("tg",), ("tk",), ("uz", "uz-Cyrl")]
_STREAMS = Path(__file__).resolve().parents[1] / "tests" / "stories"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_DIGITS = re.compile(r"\d+")


@cache
def sentences(language: str) -> tuple[str, ...]:
    """The development streams' sentences in one language (five words or more)."""
    found: list[str] = []
    for path in sorted(_STREAMS.glob("dev*_stream.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["language"] == language:
                found += [t for t in _SENTENCE.split(row["body"]) if len(t.split()) >= 5]
    return tuple(found)


@cache
def _words(language: str) -> tuple[str, ...]:
    return tuple(w for sentence in sentences(language) for w in sentence.split())


def _varied(rng: random.Random, sentence: str, language: str) -> str:
    """A sentence with every third word drawn from the language's words: articles that
    draw the same sentence share its vocabulary, not its word 4-grams (unrelated articles
    of the sources share few; a near copy, below, shares most of its original's)."""
    words = sentence.split()
    vocabulary = _words(language)
    for i in range(1, len(words), 3):
        words[i] = rng.choice(vocabulary)
    return " ".join(words)


def _local_body(rng: random.Random, language: str, figures: list[int]) -> list[str]:
    """Paragraphs of 6 to 12 sentences in ``language``, their figures the article's."""
    pool = sentences(language)
    chosen = [_varied(rng, rng.choice(pool), language) for _ in range(rng.randint(6, 12))]
    numbers = iter(figures * 8)
    text = [_DIGITS.sub(lambda _: str(next(numbers, 7)), sentence) for sentence in chosen]
    return [" ".join(text[i : i + 3]) for i in range(0, len(text), 3)]


def _local_title(language: str, state: int, partner: int, i: int) -> str:
    states, partners, template = LOCAL[language]
    return template.format(s=states[state], p=partners[partner]) + f" (#{i})"


def _body(
    rng: random.Random, state: int, partner: int, n: int, english: bool = False
) -> tuple[list[str], list[tuple[int, ...]]]:
    """Paragraphs of a body and the choices it was made of (to render them again in
    another language)."""
    choices: list[tuple[int, ...]] = [(rng.randrange(len(_LEADS)),)]
    for _ in range(n):
        choices.append(
            (
                rng.randrange(len(_SUBJECTS)),
                rng.randrange(len(_VERBS)),
                rng.randrange(len(_OBJECTS)),
                rng.randrange(len(_TAILS)),
                rng.randint(2019, 2028),
                rng.randint(3, 990),
            )
        )
    return _render(choices, state, partner, english), choices


def _render(choices: list[tuple[int, ...]], state: int, partner: int, english: bool) -> list[str]:
    leads, subjects, verbs, objects, tails = (
        (_LEADS_EN, _SUBJECTS_EN, _VERBS_EN, _OBJECTS_EN, _TAILS_EN)
        if english
        else (_LEADS, _SUBJECTS, _VERBS, _OBJECTS, _TAILS)
    )
    names = (STATES_EN, PARTNERS_EN) if english else (STATES_RU, PARTNERS_RU)
    sentences = [leads[choices[0][0]].format(s=names[0][state], p=names[1][partner])]
    for subject, verb, obj, tail, year, number in choices[1:]:
        ending = tails[tail].format(y=year, n=number)
        sentences.append(f"{subjects[subject]} {verbs[verb]} {objects[obj]} {ending}.")
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def generate(count: int, path: Path, seed: int = 7, *, mixed: bool = False) -> None:
    """Write ``count`` JSON lines to ``path`` (about 2-4 KB a Russian or English body,
    20% near-duplicates, 15% language versions; ``mixed``: the sources' languages)."""
    rng = random.Random(seed)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    originals: list[dict[str, object]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            when = start + timedelta(minutes=5 * i)
            draw = rng.random()
            if originals and draw < 0.2:
                record = _reprint(rng, rng.choice(originals[-200:]), when, i)
            elif originals and draw < 0.35:
                record = _version(rng, rng.choice(originals[-200:]), i, mixed)
            else:
                record, original = _original(rng, when, i, mixed)
                originals.append(original)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _reprint(
    rng: random.Random, base: dict[str, object], when: datetime, i: int
) -> dict[str, object]:
    """An earlier article reprinted hours later by another source: a dateline, a dropped
    paragraph and a closing line (in Russian for a Russian original)."""
    paragraphs = list(base["_paragraphs"])  # type: ignore[call-overload]
    if len(paragraphs) > 3:
        paragraphs.pop(rng.randrange(1, len(paragraphs)))
    russian = base["language"] == "ru"
    if russian:
        paragraphs[0] = rng.choice(DATELINES).format(d=when.day) + paragraphs[0]
    closing = "\n\nОб этом сообщает пресс-служба МИД." if russian else ""
    return {
        "url": f"https://{rng.choice(SOURCES)}.example/news/{i}?utm_source=tg",
        "title": f"{base['title']} (перепечатка)" if russian else f"{base['title']} *",
        "body": "\n\n".join(paragraphs) + closing,
        "published": (
            datetime.fromisoformat(str(base["published"])) + timedelta(hours=rng.randint(1, 8))
        ).isoformat(),
        "source": rng.choice(SOURCES),
        "language": base["language"],
    }


def _version(rng: random.Random, base: dict[str, object], i: int, mixed: bool) -> dict[str, object]:
    """An earlier article in another language by its source, minutes or hours later, with
    the same figures: English, or (``mixed``, a third of the time) the state's own."""
    state, partner = base["_parties"]  # type: ignore[misc]
    published = (
        datetime.fromisoformat(str(base["published"])) + timedelta(minutes=rng.randint(0, 300))
    ).isoformat()
    if mixed and (base["language"] == "en" or rng.random() < 1 / 3):
        language = rng.choice(HOME_LANGUAGES[state])
        if language == base["language"]:
            language = "ru"
        if language != "ru":
            paragraphs = _local_body(rng, language, base["_figures"])  # type: ignore[arg-type]
            return {
                "url": f"https://{base['source']}.example/{language}/news/{i}",
                "title": _local_title(language, state, partner, i),
                "body": "\n\n".join(paragraphs),
                "published": published,
                "source": base["source"],
                "language": language,
            }
    if base["language"] != "ru" or "_choices" not in base:
        english = _local_body(rng, "en", base["_figures"])  # type: ignore[arg-type]
    else:
        english = _render(base["_choices"], state, partner, True)  # type: ignore[arg-type]
    return {
        "url": f"https://{base['source']}.example/en/news/{i}",
        "title": f"Foreign ministers of {STATES_EN[state]} and {PARTNERS_EN[partner]} meet (#{i})",
        "body": "\n\n".join(english),
        "published": published,
        "source": base["source"],
        "language": "en",
    }


def _original(
    rng: random.Random, when: datetime, i: int, mixed: bool
) -> tuple[dict[str, object], dict[str, object]]:
    """A new article, and what its reprints and versions are made from."""
    state, partner = rng.randrange(len(STATES_RU)), rng.randrange(len(PARTNERS_RU))
    source = rng.choice(SOURCES)
    draw = rng.random() if mixed else 1.0
    if draw < 0.3:
        language = rng.choice(HOME_LANGUAGES[state])
        figures = [rng.randint(2019, 2028), rng.randint(3, 990), rng.randint(10, 99)]
        paragraphs = _local_body(rng, language, figures)
        record = {
            "url": f"https://{source}.example/{language}/news/{i}",
            "title": _local_title(language, state, partner, i),
            "body": "\n\n".join(paragraphs),
            "published": when.isoformat(),
            "source": source,
            "language": language,
        }
        return record, {
            **record,
            "_paragraphs": paragraphs,
            "_figures": figures,
            "_parties": (state, partner),
        }
    english = draw < 0.5  # an English original (mixed): the agencies' English services
    paragraphs, choices = _body(rng, state, partner, rng.randint(8, 16), english)
    title = (
        f"Foreign ministers of {STATES_EN[state]} and {PARTNERS_EN[partner]} hold talks (#{i})"
        if english
        else f"Главы МИД {STATES_RU[state]} и {PARTNERS_RU[partner]} обсудили "
        f"вопросы {rng.choice(TOPICS_RU)} (#{i})"
    )
    record = {
        "url": f"https://{source}.example/{'en/' if english else ''}news/{i}",
        "title": title,
        "body": "\n\n".join(paragraphs),
        "published": when.isoformat(),
        "source": source,
        "language": "en" if english else "ru",
    }
    figures = [int(c[4]) for c in choices[1:3]] + [int(c[5]) for c in choices[1:3]]
    return record, {
        **record,
        "_paragraphs": paragraphs,
        "_choices": choices,
        "_figures": figures,
        "_parties": (state, partner),
    }
