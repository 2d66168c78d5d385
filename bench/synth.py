"""Synthetic articles for the import benchmark: realistic lengths, 20% near-duplicates,
15% translations.

Bodies are drawn from sentences in the voice of the region's ministries (parties from the
five states and their partners); a near-duplicate is an earlier article reprinted hours
later by another source with a dateline, a new lead and a dropped paragraph, as agencies
do; a translation is an earlier article's English version an hour or a few later, with
the same figures, as the ministries and agencies publish them.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
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


def generate(count: int, path: Path, seed: int = 7) -> None:
    """Write ``count`` JSON lines to ``path`` (about 2-4 KB a body, 20% near-duplicates)."""
    rng = random.Random(seed)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    originals: list[dict[str, object]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            when = start + timedelta(minutes=5 * i)
            draw = rng.random()
            if originals and draw < 0.2:
                base = rng.choice(originals[-200:])
                paragraphs = list(base["_paragraphs"])  # type: ignore[arg-type]
                if len(paragraphs) > 3:
                    paragraphs.pop(rng.randrange(1, len(paragraphs)))
                paragraphs[0] = rng.choice(DATELINES).format(d=when.day) + paragraphs[0]
                record = {
                    "url": f"https://{rng.choice(SOURCES)}.example/news/{i}?utm_source=tg",
                    "title": f"{base['title']} (перепечатка)",
                    "body": "\n\n".join(paragraphs) + "\n\nОб этом сообщает пресс-служба МИД.",
                    "published": (
                        datetime.fromisoformat(str(base["published"]))
                        + timedelta(hours=rng.randint(1, 8))
                    ).isoformat(),
                    "source": rng.choice(SOURCES),
                    "language": "ru",
                }
            elif originals and draw < 0.35:
                base = rng.choice(originals[-200:])
                state, partner = base["_parties"]  # type: ignore[misc]
                paragraphs = _render(base["_choices"], state, partner, True)  # type: ignore[arg-type]
                record = {
                    "url": f"https://{base['source']}.example/en/news/{i}",
                    "title": f"Foreign ministers of {STATES_EN[state]} and {PARTNERS_EN[partner]} "
                    f"meet (#{i})",
                    "body": "\n\n".join(paragraphs),
                    "published": (
                        datetime.fromisoformat(str(base["published"]))
                        + timedelta(minutes=rng.randint(0, 300))
                    ).isoformat(),
                    "source": base["source"],
                    "language": "en",
                }
            else:
                state, partner = rng.randrange(len(STATES_RU)), rng.randrange(len(PARTNERS_RU))
                paragraphs, choices = _body(rng, state, partner, rng.randint(8, 16))
                record = {
                    "url": f"https://{rng.choice(SOURCES)}.example/news/{i}",
                    "title": f"Главы МИД {STATES_RU[state]} и {PARTNERS_RU[partner]} обсудили "
                    f"вопросы {rng.choice(TOPICS_RU)} (#{i})",
                    "body": "\n\n".join(paragraphs),
                    "published": when.isoformat(),
                    "source": rng.choice(SOURCES),
                    "language": "ru",
                }
                originals.append(
                    {
                        **record,
                        "_paragraphs": paragraphs,
                        "_choices": choices,
                        "_parties": (state, partner),
                    }
                )
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
