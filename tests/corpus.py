"""A small store in every language diplofeed reads, built through ``Store.save_article``:
ministry and agency posts for the search, browse and querying tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.registry import load_registry
from storage import Store

ASTANA = timezone(timedelta(hours=5))
DUSHANBE = timezone(timedelta(hours=5))
ASHGABAT = timezone(timedelta(hours=5))
BISHKEK = timezone(timedelta(hours=6))

# A registry subset: its agencies are kt_kz, kazinform, kabar, khovar and tdh.
SOURCES = (
    "mfa_kz",
    "kt_kz",
    "kazinform",
    "kabar",
    "mfa_kg",
    "mfa_tj",
    "khovar",
    "mfa_uz",
    "kun_uz",
    "gazeta_uz",
    "tdh",
    "mfa_tm",
    "timesca",
)

# The Kazakh ministry's statement every agency of the store reprinted word for word.
EVERY_AGENCY_TITLE = "МИД Казахстана приветствует подписание Договора о точке стыка границ"
EVERY_AGENCY_BODY = (
    "Министерство иностранных дел Республики Казахстан приветствует подписание в Худжанде "
    "Договора о точке стыка государственных границ Кыргызской Республики, Республики "
    "Таджикистан и Республики Узбекистан. Казахстанская сторона рассматривает этот шаг как "
    "важный вклад в укрепление добрососедства, доверия и устойчивого развития в Центральной "
    "Азии и готова содействовать дальнейшему углублению регионального сотрудничества."
)

ARTICLES: dict[str, dict[str, Any]] = {
    "kz_cn_rivers": {  # Russian, a KZ-CN agreement; "Казахстан" only in its nominative form
        "source": "mfa_kz",
        "url": "https://www.gov.kz/memleket/entities/mfa/press/news/details/901",
        "language": "ru",
        "published": datetime(2025, 6, 17, 11, 0, tzinfo=ASTANA),
        "title": "Казахстан и Китай подписали соглашение об охране трансграничных рек",
        "body": "В Астане Министр иностранных дел Республики Казахстан Мурат Нуртлеу и Член "
        "Политбюро ЦК КПК, Министр иностранных дел КНР Ван И подписали Соглашение между "
        "Правительством Республики Казахстан и Правительством Китайской Народной Республики "
        "об охране и использовании трансграничных рек. Стороны также обсудили подготовку "
        "очередного заседания Комитета сотрудничества.",
    },
    "kz_cn_trade": {  # Russian, "Казахстана" only (the other direction); "переговорах"
        "source": "kazinform",
        "url": "https://www.inform.kz/ru/tokaev-i-si-czinpin-a4202410",
        "language": "ru",
        "published": datetime(2024, 10, 3, 16, 40, tzinfo=ASTANA),
        "title": "Президент Казахстана и Председатель КНР подписали меморандум о торговле",
        "body": "По итогам переговоров в Пекине главы государств подписали меморандум о "
        "взаимопонимании в сфере электронной торговли. На переговорах Президент Казахстана "
        "Касым-Жомарт Токаев отметил, что товарооборот между странами вырос на 12 процентов.",
    },
    "kz_cn_visas": {  # an agreement from before 2024: "since 2024" leaves it out
        "source": "kt_kz",
        "url": "https://www.kt.kz/rus/politics/kazahstan_i_kitay_1377990001.html",
        "language": "ru",
        "published": datetime(2023, 10, 17, 14, 0, tzinfo=ASTANA),
        "title": "Казахстан и Китай подписали соглашение о взаимном освобождении от виз",
        "body": "Министры иностранных дел Казахстана и Китая подписали соглашение о "
        "взаимном освобождении от визовых требований. Документ позволит гражданам двух "
        "стран находиться на территории другой стороны до 30 дней без визы.",
    },
    "kg_tj_talks": {  # Russian: Kyrgyz-Tajik talks, "переговоры"
        "source": "mfa_kg",
        "url": "https://mfa.gov.kg/ru/osnovnoe-menyu/press-sluzhba/novosti/5501",
        "language": "ru",
        "published": datetime(2026, 9, 4, 12, 0, tzinfo=BISHKEK),
        "title": "Министры иностранных дел Кыргызстана и Таджикистана провели переговоры",
        "body": "В Бишкеке состоялись переговоры Министра иностранных дел Кыргызской "
        "Республики Жээнбека Кулубаева с Министром иностранных дел Республики Таджикистан "
        "Сироджиддином Мухриддином. Стороны обсудили вопросы делимитации границы.",
    },
    "uz_kz_mirzieev": {  # Russian, the name written with е where others write ё
        "source": "gazeta_uz",
        "url": "https://www.gazeta.uz/ru/2026/07/14/mirziyoyev-nurtleu/",
        "language": "ru",
        "published": datetime(2026, 7, 14, 17, 0, tzinfo=ASTANA),
        "title": "Шавкат Мирзиеев принял Министра иностранных дел Казахстана",
        "body": "Президент Республики Узбекистан Шавкат Мирзиеев принял Министра "
        "иностранных дел Республики Казахстан Мурата Нуртлеу. Обсуждены вопросы подготовки "
        "заседания Высшего межгосударственного совета.",
    },
    "kg_uz_ky": {  # Kyrgyz
        "source": "kabar",
        "url": "https://kabar.kg/news/kulubaev-ozbekstandyn-elchisi-menen-zholugushtu/",
        "language": "ky",
        "published": datetime(2026, 10, 8, 10, 30, tzinfo=BISHKEK),
        "title": "Жээнбек Кулубаев Өзбекстандын элчиси менен жолугушту",
        "body": "Кыргыз Республикасынын Тышкы иштер министри Жээнбек Кулубаев Өзбекстан "
        "Республикасынын Кыргызстандагы Элчиси менен жолугушту. Жолугушууда тараптар "
        "кыргыз-өзбек кызматташтыгынын актуалдуу маселелерин талкуулашты.",
    },
    "kz_cn_kk": {  # Kazakh
        "source": "mfa_kz",
        "url": "https://www.gov.kz/memleket/entities/mfa/press/news/details/905?lang=kk",
        "language": "kk",
        "published": datetime(2026, 8, 20, 15, 0, tzinfo=ASTANA),
        "title": "Мұрат Нұртлеу Қытай Халық Республикасының Елшісімен кездесті",
        "body": "Қазақстан Республикасының Сыртқы істер министрі Мұрат Нұртлеу Қытай Халық "
        "Республикасының Қазақстандағы Төтенше және Өкілетті Елшісімен кездесті. Тараптар "
        "Қазақстан мен Қытай арасындағы мәңгілік жан-жақты стратегиялық әріптестікті "
        "нығайту мәселелерін талқылады.",
    },
    "uz_kz_uz": {  # Uzbek Latin, written with U+02BB (the official spelling)
        "source": "mfa_uz",
        "url": "https://mfa.uz/uz/press/news/2026/11/47001",
        "language": "uz",
        "published": datetime(2026, 11, 10, 9, 0, tzinfo=ASTANA),
        "title": "Oʻzbekiston va Qozogʻiston tashqi ishlar vazirlari muzokaralar oʻtkazdi",
        "body": "Oʻzbekiston Respublikasi Tashqi ishlar vaziri Baxtiyor Saidov Qozogʻiston "
        "Respublikasi Tashqi ishlar vaziri bilan muzokaralar oʻtkazdi. Tomonlar ikki "
        "tomonlama hamkorlikning dolzarb masalalarini muhokama qildi.",
    },
    "uz_cn_uz": {  # Uzbek Latin, written with ASCII apostrophes
        "source": "kun_uz",
        "url": "https://kun.uz/news/2026/10/21/ozbekiston-xitoy",
        "language": "uz",
        "published": datetime(2026, 10, 21, 18, 0, tzinfo=ASTANA),
        "title": "O'zbekiston Prezidenti Xitoyga davlat tashrifi bilan bordi",
        "body": "O'zbekiston Prezidenti Shavkat Mirziyoyev Xitoy Xalq Respublikasiga davlat "
        "tashrifi bilan bordi. Tashrif doirasida savdo va investitsiyalar bo'yicha "
        "kelishuvlar imzolanishi kutilmoqda.",
    },
    "uz_tm_uz": {  # Uzbek Latin, written with U+2018 (a common stand-in)
        "source": "gazeta_uz",
        "url": "https://www.gazeta.uz/uz/2026/09/15/turkmaniston/",
        "language": "uz",
        "published": datetime(2026, 9, 15, 13, 0, tzinfo=ASTANA),
        "title": "O‘zbekiston va Turkmaniston chegara hamkorligini kengaytiradi",
        "body": "O‘zbekiston va Turkmaniston tashqi siyosat idoralari oʻrtasidagi "
        "maslahatlashuvlarda chegara hududlaridagi hamkorlik masalalari koʻrib chiqildi.",
    },
    "tm_kz_en": {  # English: Turkmenistan in the title
        "source": "timesca",
        "url": "https://timesca.com/turkmenistan-kazakhstan-consultations/",
        "language": "en",
        "published": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        "title": "Turkmenistan and Kazakhstan hold political consultations",
        "body": "The foreign ministries of the two countries held political consultations "
        "in Ashgabat and negotiated a roadmap on transit and logistics.",
    },
    "kg_uz_water_en": {  # English: Turkmenistan only in passing, in a long body, and newer
        "source": "timesca",
        "url": "https://timesca.com/kyrgyzstan-uzbekistan-water-agreements/",
        "language": "en",
        "published": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        "title": "Kyrgyzstan and Uzbekistan sign agreements on water sharing",
        "body": "Kyrgyzstan and Uzbekistan signed two agreements on the joint management of "
        "the Kempir-Abad reservoir and on water allocation during the irrigation season. "
        "The ministers agreed to exchange hydrological data daily and to meet twice a year. "
        "Officials said the reservoir would be operated by a joint commission, and that the "
        "agreements follow the border treaty ratified by both parliaments last year. "
        "Observers from Turkmenistan attended the signing ceremony in Tashkent.",
    },
    "tm_kz_tk": {  # Turkmen
        "source": "tdh",
        "url": "https://tdh.gov.tm/tk/post/50101/duyshushyk",
        "language": "tk",
        "published": datetime(2026, 11, 12, 11, 0, tzinfo=ASHGABAT),
        "title": "Türkmenistanyň Daşary işler ministri Gazagystanyň ilçisi bilen duşuşdy",
        "body": "Türkmenistanyň Daşary işler ministri Raşid Meredow Gazagystan "
        "Respublikasynyň ilçisi bilen duşuşdy. Duşuşykda türkmen-gazak hyzmatdaşlygynyň "
        "ileri tutulýan ugurlary ara alnyp maslahatlaşyldy.",
    },
    "tj_cn_tg": {  # Tajik, a month ago: not "this week"
        "source": "mfa_tj",
        "url": "https://mfa.tj/tg/main/view/21001/mulokot",
        "language": "tg",
        "published": datetime(2026, 10, 27, 14, 0, tzinfo=DUSHANBE),
        "title": "Мулоқоти Вазири корҳои хориҷӣ бо Сафири Ҷумҳурии Мардумии Чин",
        "body": "Вазири корҳои хориҷии Ҷумҳурии Тоҷикистон Сироҷиддин Муҳриддин бо Сафири "
        "Ҷумҳурии Мардумии Чин дар Ҷумҳурии Тоҷикистон мулоқот намуд. Ҷонибҳо масъалаҳои "
        "ҳамкориҳои дуҷонибаро баррасӣ карданд.",
    },
}

# Published "now" (the time the store is built): the Tajik ministry's posts of this week.
THIS_WEEK: dict[str, dict[str, Any]] = {
    "tj_uz_tg_now": {
        "source": "mfa_tj",
        "url": "https://mfa.tj/tg/main/view/21077/mulokot-bo-vaziri-uzbekiston",
        "language": "tg",
        "title": "Мулоқоти Вазири корҳои хориҷии Тоҷикистон бо Вазири корҳои хориҷии Ӯзбекистон",
        "body": "Вазири корҳои хориҷии Ҷумҳурии Тоҷикистон Сироҷиддин Муҳриддин бо Вазири "
        "корҳои хориҷии Ҷумҳурии Ӯзбекистон Бахтиёр Саидов мулоқот намуд. Ҷонибҳо вазъи "
        "ҳамкориҳои тоҷику ӯзбекро баррасӣ карданд.",
    },
    "tj_cn_ru_now": {
        "source": "mfa_tj",
        "url": "https://mfa.tj/ru/main/view/21078/vstrecha-s-poslom-kitaya",
        "language": "ru",
        "title": "Министр иностранных дел Таджикистана встретился с Послом Китая",
        "body": "Министр иностранных дел Республики Таджикистан Сироджиддин Мухриддин "
        "встретился с Чрезвычайным и Полномочным Послом Китайской Народной Республики. "
        "Стороны обсудили ход подготовки визита на высшем уровне.",
    },
}

# The statement every agency of the store carried (kt_kz, kazinform, kabar, khovar, tdh).
AGENCY_COPIES: dict[str, dict[str, Any]] = {
    f"every_agency_{source}": {
        "source": source,
        "url": url,
        "language": "ru",
        "published": datetime(2026, 11, 26, 12 + hour, 0, tzinfo=ASTANA),
        "title": EVERY_AGENCY_TITLE,
        "body": EVERY_AGENCY_BODY,
    }
    for hour, (source, url) in enumerate(
        [
            ("kt_kz", "https://www.kt.kz/rus/politics/mid_privetstvuet_1377996300.html"),
            ("kazinform", "https://www.inform.kz/ru/mid-kazahstana-privetstvuet-a4300001"),
            ("kabar", "https://kabar.kg/news/mid-kazakhstana-privetstvuet/"),
            ("khovar", "https://khovar.tj/rus/2026/11/mid-kazahstana-privetstvuet/"),
            ("tdh", "https://tdh.gov.tm/ru/post/50222/mid-kazahstana"),
        ]
    )
}


def names_by_url() -> dict[str, str]:
    """Each corpus article's name, by its URL (how tests read search results)."""
    everything = {**ARTICLES, **THIS_WEEK, **AGENCY_COPIES}
    return {article["url"]: name for name, article in everything.items()}


def build_store(path: str | Path, *, now: datetime | None = None) -> Path:
    """Write the corpus into a new store at ``path``: the registry subset, every article
    (THIS_WEEK published at ``now``), one crawl with a failure. Returns ``path``."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    registry = load_registry()
    with Store(path) as store:
        store.sync_sources(registry[i].as_row() for i in SOURCES)
        for article in [*ARTICLES.values(), *AGENCY_COPIES.values()]:
            store.save_article(article, now=now)
        for article in THIS_WEEK.values():
            store.save_article({**article, "published": now}, now=now)
        run = store.start_run(["kt_kz", "mfa_tj"], as_of=now)
        store.record_failure(run, "kt_kz", "https://www.kt.kz/rus/x", "http", "HTTP 503", 503)
        store.record_source_stats(run, "kt_kz", {"pages": 5, "articles": 1, "new": 1, "failed": 1})
        store.record_source_stats(run, "mfa_tj", {"pages": 4, "articles": 2, "new": 2})
        store.finish_run(run, "finished")
    return Path(path)
