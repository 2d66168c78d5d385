"""Synthetic articles for the import benchmark: realistic lengths, 20% near-duplicates.

Bodies are drawn from sentences in the voice of the region's ministries (Russian and
English, parties from the five states and their partners); a near-duplicate is an earlier
article reprinted hours later by another source with a dateline, a new lead and a
dropped paragraph, as agencies do.
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


def _body(rng: random.Random, state: str, partner: str, n: int) -> list[str]:
    lead = rng.choice(_LEADS).format(s=state, p=partner)
    sentences = [lead]
    for _ in range(n):
        tail = rng.choice(_TAILS).format(y=rng.randint(2019, 2028), n=rng.randint(3, 990))
        sentences.append(
            f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {tail}."
        )
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def generate(count: int, path: Path, seed: int = 7) -> None:
    """Write ``count`` JSON lines to ``path`` (about 2-4 KB a body, 20% near-duplicates)."""
    rng = random.Random(seed)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    originals: list[dict[str, object]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            when = start + timedelta(minutes=5 * i)
            if originals and rng.random() < 0.2:
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
            else:
                state, partner = rng.choice(STATES_RU), rng.choice(PARTNERS_RU)
                paragraphs = _body(rng, state, partner, rng.randint(8, 16))
                record = {
                    "url": f"https://{rng.choice(SOURCES)}.example/news/{i}",
                    "title": f"Главы МИД {state} и {partner} обсудили вопросы {rng.choice(TOPICS_RU)} (#{i})",
                    "body": "\n\n".join(paragraphs),
                    "published": when.isoformat(),
                    "source": rng.choice(SOURCES),
                    "language": "ru",
                }
                originals.append({**record, "_paragraphs": paragraphs})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
