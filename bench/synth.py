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
_SENTENCES = [
    "Стороны обсудили актуальные вопросы {t}.",
    "Особое внимание было уделено реализации договоренностей, достигнутых в {y} году.",
    "Отмечен рост товарооборота до {n} млн долларов за девять месяцев.",
    "Были рассмотрены перспективы сотрудничества в рамках ШОС, СНГ и ООН.",
    "Собеседники подчеркнули важность регулярного политического диалога.",
    "Договорились провести следующий раунд консультаций в {y} году.",
    "Обсуждена подготовка к визиту на высшем уровне, запланированному на весну.",
    "Подписан меморандум о сотрудничестве между дипломатическими академиями.",
    "Стороны обменялись мнениями по ситуации в Афганистане и регионе.",
    "Отдельно затронуты вопросы трудовой миграции и защиты прав граждан.",
    "Рассмотрен ход реализации {n} совместных инвестиционных проектов.",
    "Особое внимание уделено развитию транспортно-логистических маршрутов.",
    "Стороны отметили высокий уровень культурно-гуманитарного сотрудничества.",
    "Обсуждены вопросы рационального использования трансграничных водных ресурсов.",
    "Согласован график двусторонних мероприятий на {y} год.",
    "Подчеркнута готовность к расширению договорно-правовой базы отношений.",
    "Затронуты вопросы сотрудничества в сфере энергетики и цифровизации.",
    "Стороны выразили удовлетворение динамикой межпарламентских связей.",
    "Отмечено увеличение числа авиарейсов до {n} в неделю.",
    "Рассмотрены вопросы делимитации и демаркации государственной границы.",
    "Обсуждено участие в предстоящем саммите в формате «Центральная Азия +».",
    "Стороны договорились активизировать работу деловых советов.",
    "Подчеркнута роль региональных организаций в обеспечении безопасности.",
    "Отдельное внимание уделено сотрудничеству в области образования и науки.",
    "Обсуждены меры по упрощению визового режима для туристов.",
    "Стороны высоко оценили итоги прошлогоднего форума регионов.",
    "Рассмотрены вопросы поставок сельскохозяйственной продукции объемом {n} тысяч тонн.",
    "Выражена заинтересованность в открытии торгового дома в {y} году.",
    "Стороны подтвердили приверженность принципам добрососедства.",
    "Обсуждены вопросы совместного реагирования на чрезвычайные ситуации.",
]


def _body(rng: random.Random, state: str, partner: str, n: int) -> list[str]:
    lead = rng.choice(_LEADS).format(s=state, p=partner)
    picks = rng.sample(_SENTENCES, n)
    fill = lambda text: text.format(
        t=rng.choice(TOPICS_RU), y=rng.randint(2019, 2028), n=rng.randint(3, 990)
    )
    sentences = [lead, *(fill(x) for x in picks)]
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
