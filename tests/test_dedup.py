"""Same story (issue #5): the evaluation gate on labelled pairs, and one test per rule."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from storage import Store
from storage.dedup import (
    BANDS,
    CONTAINMENT,
    acronyms,
    commission,
    council,
    head_first,
    head_of_state,
    hosted,
    minister,
    names,
    numbers,
    same_story,
    shingles,
    sidelines,
    signature,
    similarity,
    state_visit,
    summit,
)
from storage.lsh import band_keys
from storage.normalize import canonical_url
from storage.times import days_back

from .conftest import ROOT
from .dedup_eval import evaluate, load

# Measured 2026-11-28, each pair end to end through a fresh store:
#   pairs    133 pairs: precision 1.000, recall 0.974 (the rules were tuned on these)
#   holdout   60 pairs: precision 1.000, recall 0.972 (written apart from the rules, by a
#             writer who saw neither them nor the tuned pairs; never used to tune)
# Lowering a floor is a deliberate change.
FLOORS = {
    "pairs": {"precision": 0.97, "recall": 0.93},
    "holdout": {"precision": 0.95, "recall": 0.93},
}
KINDS = {
    "new_lead",
    "partial",
    "translation",
    "annual_repeat",
    "same_day_other",
    "same_topic_other",
    "edit",
}


@pytest.mark.parametrize("name", ["pairs", "holdout"])
def test_same_story_evaluation_gate(capsys, name):
    pairs = load(name)
    assert len(pairs) >= 60
    assert {p["kind"] for p in pairs} == KINDS
    scores = evaluate(pairs)
    with capsys.disabled():
        print(f"\n{name}: " + scores.line())
    for metric, floor in FLOORS[name].items():
        assert getattr(scores, metric) >= floor, (
            f"{metric} {getattr(scores, metric):.3f} below {floor}"
        )


WHEN = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)
RELEASE = (
    "Министр иностранных дел Республики Казахстан Ермек Кошербаев провел переговоры с Министром "
    "иностранных дел Кыргызской Республики Жээнбеком Кулубаевым. Стороны обсудили реализацию Договора "
    "о казахстанско-кыргызской государственной границе, вододеление в бассейнах рек Чу и Талас на 2027 "
    "год и доведение товарооборота до 3 млрд долларов. По итогам встречи подписан План консультаций "
    "между министерствами на 2027-2028 годы."
)


_OUTLETS = itertools.count()


def features(text, *, when=WHEN, language="ru", countries=("KZ", "KG"), event="meeting", title=""):
    """An article's features; each call is another outlet's (one source's language
    versions are judged by their own rule)."""
    return {
        "published": when,
        "language": language,
        "countries": list(countries),
        "event_type": event,
        "shingles": shingles(text),
        "numbers": numbers(text),
        "names": names(text),
        "acronyms": set(),
        "source": f"outlet{next(_OUTLETS)}",
    }


def test_a_reprint_with_a_dateline_and_a_new_lead_is_one_story():
    reprint = (
        "Астана. 26 ноября. KAZAKHSTAN TODAY - "
        + RELEASE
        + " Об этом сообщает пресс-служба МИД РК."
    )
    decision = same_story(features(RELEASE), features(reprint, when=WHEN + timedelta(minutes=40)))
    assert decision.same and decision.reason.startswith("copy")


def test_the_same_text_a_year_later_is_a_new_story():
    decision = same_story(features(RELEASE), features(RELEASE, when=WHEN + timedelta(days=365)))
    assert not decision.same and "days apart" in decision.reason


def test_one_template_with_other_partners_is_two_stories():
    other = RELEASE.replace("Кыргызской Республики Жээнбеком Кулубаевым", "Японии")
    decision = same_story(features(RELEASE), features(other, countries=("KZ", "JP")))
    assert not decision.same and "parties" in decision.reason


def test_a_translation_shares_parties_names_and_numbers():
    english = (
        "Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev held talks with Minister of Foreign "
        "Affairs of Kyrgyzstan Zheenbek Kulubaev. They discussed water allocation in the Chu and Talas "
        "basins for 2027 and bringing trade to 3 billion dollars. A Plan of Consultations for 2027-2028 "
        "was signed."
    )
    decision = same_story(
        features(RELEASE), features(english, language="en", when=WHEN + timedelta(hours=2))
    )
    assert decision.same and decision.reason.startswith("translation")
    # people the classifier does not know are names; states and known ministers are not
    assert names("Заместитель министра Сапарбеков встретился") == names(
        "The deputy minister met Saparbekov"
    )
    assert names("Встреча прошла в Казахстане с Кулубаевым") == set()


def test_short_texts_are_not_compared():
    assert not same_story(features("Фото дня"), features("Фото дня")).same


def test_signatures_and_band_keys_are_the_same_in_another_process():
    here = band_keys(signature(shingles(RELEASE)), BANDS).tolist()
    code = (
        "from storage.dedup import *; from storage.lsh import band_keys; "
        f"print(band_keys(signature(shingles({RELEASE!r})), BANDS).tolist())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == str(
        here
    )  # crc32 and seeded permutations, not Python's salted hash()


def test_signatures_are_datasketchs_minhash_value_for_value():
    """storage.dedup computes the MinHash itself (no scipy import per process): it must
    stay the very signature datasketch gives, or stored signatures stop matching."""
    import zlib

    import datasketch  # the reference, a test dependency: missing, this fails

    texts = [RELEASE, "Short text.", "", "Қазақстан Республикасы Сыртқы істер министрі " * 20]
    for text in texts:
        grams = shingles(text)
        reference = datasketch.MinHash(num_perm=96, seed=1, hashfunc=zlib.crc32, scheme="affine32")
        if grams:
            reference.update_batch(list(grams))
        assert signature(grams).tolist() == reference.hashvalues.tolist()


def test_near_duplicate_search_survives_a_restart(tmp_path):
    path = tmp_path / "restart.db"
    with Store(path) as store:
        store.save_article(
            {
                "source": "mfa_kz",
                "url": "https://www.gov.kz/x/details/1?lang=ru",
                "title": "Переговоры глав МИД",
                "body": RELEASE,
                "published": WHEN,
            }
        )
    with Store(path) as store:  # a new process would see the same rows
        reprint = "Бишкек, 26 ноября. /Кабар/. " + RELEASE
        store.save_article(
            {
                "source": "kabar",
                "url": "https://kabar.kg/news/talks/",
                "title": "Главы МИД встретились",
                "body": reprint,
                "published": WHEN + timedelta(hours=1),
            }
        )
        rows = list(store.db.query("SELECT story_id, story_reason FROM articles ORDER BY id"))
    assert rows[0]["story_id"] == rows[1]["story_id"]
    assert rows[1]["story_reason"].startswith("copy")


@pytest.mark.parametrize(
    "text", ["Подписано соглашение на 2027-2028 годы на 3,5 млн", "2027 2028 3.5"]
)
def test_numbers(text):
    assert {"2027", "2028", "35"} <= numbers(text)


def test_numbers_inside_names_and_dates_are_no_evidence():
    assert "1" not in numbers("обсудили строительство Камбаратинской ГЭС-1 и Kambarata-1")
    # 23 November in local time is published on the 22nd in UTC: the day is dateline noise
    tk = (
        "Ашхабад, 23 ноября. Министр Мередов встретился с Имнадзе. Обсуждена программа на 2027 год."
    )
    en = "Ashgabat, 23 November. Minister Meredov met Imnadze and discussed the programme for 2029."
    decision = same_story(
        features(tk, countries=("TM",), when=datetime(2026, 11, 22, 19, tzinfo=UTC)),
        features(en, countries=("TM",), language="en", when=datetime(2026, 11, 22, 21, tzinfo=UTC)),
    )
    assert not decision.same


def test_a_regional_meeting_is_not_a_translation_of_a_bilateral_one():
    bilateral = "Министр Мередов встретился с Имнадзе. Обсуждена программа на 2027-2029 годы."
    regional = "Imnadze convened a regional meeting on water with Meredov, programme 2027-2029."
    decision = same_story(
        features(bilateral, countries=("TM",)),
        features(regional, countries=("KZ", "KG", "TJ", "TM", "UZ"), language="en"),
    )
    assert not decision.same and "regional" in decision.reason


@pytest.mark.parametrize("kind", ["telegram", "agency"])
@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_a_translation_does_not_chain_two_stories_through_a_shared_country(tmp_path, order, kind):
    """A Kazakh report of a Kazakh-Uzbek call names Uzbekistan alone; an Uzbek-Kyrgyz call
    that shares its figures must not join the Kazakh-Uzbek story through it, whatever
    order the three arrive in. From the president's channel the report's own state is a
    party; from an agency it is not. When the report naming Kazakhstan comes last, the
    neighbourhood is grouped again, its copy link first (issue #13: these two orders
    were strict xfails while stories were assigned on arrival)."""
    call = (
        "Глава государства провел телефонный разговор с Президентом Узбекистана Шавкатом "
        "Мирзиёевым. Обсуждены поставки 150 тысяч тонн зерна, проект Камбаратинской ГЭС и "
        "подготовка саммита 2027 года."
    )
    other = (
        "Oʻzbekiston va Qirgʻiziston tashqi ishlar vazirlari Saidov va Qulubayev 150 ming tonna "
        "gʻalla, Qambarota GES loyihasi va 2027 yilgi sammit tayyorgarligini muhokama qildi."
    )
    articles = [
        ("akorda_tg", call, "ru", WHEN),  # names Uzbekistan alone
        ("tengrinews", f"Токаев и Мирзиёев, Казахстан. {call}", "ru", WHEN),
        ("gazeta_uz", other, "uz", WHEN + timedelta(hours=1)),
    ]
    with Store(tmp_path / "chain.db") as store:
        store.sync_sources(
            [
                {"id": "akorda_tg", "name": "Akorda", "country": "KZ", "kind": kind},
                {"id": "tengrinews", "name": "Tengrinews", "country": "KZ", "kind": "outlet"},
                {"id": "gazeta_uz", "name": "Gazeta.uz", "country": "UZ", "kind": "outlet"},
            ]
        )
        for n in order:
            source, text, lang, when = articles[n]
            store.save_article(
                {
                    "source": source,
                    "title": text[:60],
                    "url": f"https://example{n}.org/news/{n}",
                    "body": text,
                    "language": lang,
                    "published": when,
                }
            )
        story = {
            r["source"]: r["story_id"]
            for r in store.db.query("SELECT source, story_id FROM articles")
        }
    assert story["akorda_tg"] == story["tengrinews"], story
    assert story["gazeta_uz"] != story["akorda_tg"], story


def test_a_reprint_joins_a_story_whose_representative_is_in_another_language(tmp_path):
    english = (
        "Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev held talks with Minister of "
        "Foreign Affairs of Kyrgyzstan Zheenbek Kulubaev. They discussed water allocation in the "
        "Chu and Talas basins for 2027 and bringing trade to 3 billion dollars. A Plan of "
        "Consultations for 2027-2028 was signed."
    )
    with Store(tmp_path / "rep.db") as store:
        for n, (source, text, lang, when) in enumerate(
            [
                ("mfa_kz", english, "en", WHEN),  # the representative
                ("mfa_kz", RELEASE, "ru", WHEN + timedelta(minutes=5)),
                ("kazinform", "Астана. КАЗИНФОРМ - " + RELEASE, "ru", WHEN + timedelta(hours=40)),
            ]
        ):
            store.save_article(
                {
                    "source": source,
                    "title": text[:50],
                    "url": f"https://example{n}.org/news/{n}",
                    "body": text,
                    "language": lang,
                    "published": when,
                },
                now=WHEN + timedelta(hours=41),
            )
        rows = list(store.db.query("SELECT story_id, story_reason FROM articles ORDER BY id"))
    assert len({r["story_id"] for r in rows}) == 1, rows
    assert rows[2]["story_reason"].startswith("copy")


def test_two_stock_figures_without_a_shared_name_are_not_a_translation():
    ru = (
        "Кошербаев принял министра энергетики Узбекистана. Стороны подтвердили цель довести "
        "товарооборот до 10 млрд долларов к 2030 году."
    )
    en = (
        "Bektenov received the Uzbek Minister of Investment. The sides reaffirmed the goal of "
        "bringing trade to 10 billion dollars by 2030."
    )
    decision = same_story(
        features(ru, countries=("UZ",)),
        features(en, countries=("UZ",), language="en", when=WHEN + timedelta(hours=3)),
    )
    assert not decision.same


def test_a_malformed_countries_value_in_the_store_is_no_crash(tmp_path):
    english = (
        "Minister of Foreign Affairs of Kazakhstan Yermek Kosherbayev held talks with Minister of "
        "Foreign Affairs of Kyrgyzstan Zheenbek Kulubaev on water for 2027, trade of 3 billion "
        "dollars and a Plan of Consultations for 2027-2028."
    )
    with Store(tmp_path / "bad.db") as store:
        store.save_article(
            {
                "source": "kabar",
                "url": "https://kabar.kg/a",
                "title": "Переговоры",
                "body": RELEASE,
                "language": "ru",
                "published": WHEN,
            }
        )
        store.save_article(
            {
                "source": "kabar",
                "url": "https://kabar.kg/b",
                "title": "Переговоры глав МИД",
                "body": "Бишкек. " + RELEASE,
                "language": "ru",
                "published": WHEN,
            }
        )
        store.db.execute("UPDATE articles SET countries = 'KZ' WHERE id = 2")  # edited by hand
        outcome = store.save_article(
            {
                "source": "mfa_kz",
                "url": "https://mfa.kz/en/a",
                "title": "Talks",
                "body": english,
                "language": "en",
                "published": WHEN + timedelta(hours=1),
            }
        )
    assert outcome == "new"


def _titled(title, text, **kwargs):
    found = features(text, **kwargs)
    found.update(
        head=head_of_state(title),
        minister=minister(title),
        commission=commission(title),
        visit=state_visit(title),
        summit=summit(title),
    )
    return found


def test_a_state_visit_takes_the_two_states_reports_of_its_days():
    arrival = _titled(
        "Президент Туркменистана прибыл в Ташкент с государственным визитом",
        "Президент Туркменистана прибыл в Ташкент с государственным визитом. В аэропорту его "
        "встретил Президент Узбекистана.",
        countries=("TM", "UZ"),
        event="visit",
    )
    signing = _titled(
        "Uzbekistan and Turkmenistan sign 14 documents",
        "Uzbekistan and Turkmenistan signed 14 documents on energy, transport and water.",
        countries=("UZ", "TM"),
        language="en",
        event="agreement",
        when=WHEN + timedelta(hours=26),
    )
    decision = same_story(arrival, signing)
    assert decision.same and "state visit" in decision.reason
    # the ministers' own talks are another event, and so is a call
    ministers = _titled(
        "Министры иностранных дел Узбекистана и Туркменистана провели переговоры",
        "Состоялись переговоры министров иностранных дел двух стран.",
        countries=("UZ", "TM"),
        when=WHEN + timedelta(hours=3),
    )
    assert not same_story(arrival, ministers).same
    call = _titled(
        "Uzbekistan and Turkmenistan presidents hold phone call",
        "The presidents spoke by phone.",
        countries=("UZ", "TM"),
        language="en",
        event="phone_call",
        when=WHEN + timedelta(hours=5),
    )
    assert not same_story(arrival, call).same
    # nor is another pair's report
    other = dict(signing, countries=["UZ", "KZ"])
    assert not same_story(arrival, other).same


def test_one_states_report_of_a_summit_joins_the_summit_but_a_sideline_bilateral_does_not():
    summit_text = (
        "В Авазе состоялась Консультативная встреча глав государств Центральной Азии. "
        "Главы государств приняли Авазинскую декларацию."
    )
    gathering = _titled(
        "Консультативная встреча глав государств Центральной Азии в Авазе",
        summit_text,
        countries=("KZ", "KG", "TJ", "TM", "UZ"),
        event="conference",
    )
    lone = _titled(
        "Türkmenistanyň Prezidenti Awazadaky sammitde çykyş etdi",
        "Hormatly Prezidentimiz Awazada geçirilen sammitde çykyş etdi, Awazinskaýa jarnamasy.",
        countries=("TM",),
        language="tk",
        event="conference",
        when=WHEN + timedelta(hours=2),
    )
    # the place, as the Kazakh and Turkmen reports write it
    gathering["names"] = names("Мемлекет басшысы Авазадағы саммитте сөз сөйледі")
    decision = same_story(gathering, lone)
    assert decision.same and "summit" in decision.reason
    sideline = _titled(
        "Президенты Туркменистана и Азербайджана встретились на полях саммита в Авазе",
        "На полях саммита в Авазе состоялась встреча.",
        countries=("TM", "AZ"),
        when=WHEN + timedelta(hours=3),
    )
    sideline["names"] = names("Мемлекет басшылары Авазадағы саммит кезінде кездесті")
    assert not same_story(gathering, sideline).same


def test_a_report_of_the_commissions_day_joins_the_session():
    session = _titled(
        "В Душанбе состоялось заседание межправительственной комиссии",
        "Заседание узбекско-таджикской межправительственной комиссии прошло в Душанбе.",
        countries=("UZ", "TJ"),
    )
    trade = _titled(
        "Таджикистан и Узбекистан хотят довести товарооборот до 2 млрд",
        "Стороны обсудили торговлю.",
        countries=("TJ", "UZ"),
        event="agreement",
        when=WHEN + timedelta(hours=3),
    )
    assert same_story(session, trade).same
    # the president receiving the co-chair is another event
    received = _titled(
        "Президент принял сопредседателя комиссии",
        "Президент Таджикистана принял сопредседателя.",
        countries=("TJ", "UZ"),
        when=WHEN + timedelta(hours=4),
    )
    assert not same_story(session, received).same


def test_one_sources_posts_dated_to_the_day_are_versions_only_with_the_same_parties():
    # a ministry site that gives dates alone stamps the day's posts with one time: the
    # summit's release and the bilateral on its sidelines are not one release's versions
    summit_ru = features(
        "Состоялась Консультативная встреча глав государств Центральной Азии.",
        countries=("TM", "KZ", "KG", "TJ", "UZ"),
    )
    bilateral_en = features(
        "The President of Turkmenistan met the President of Uzbekistan.",
        countries=("TM", "UZ"),
        language="en",
    )
    summit_ru["source"] = bilateral_en["source"] = "tdh"
    assert same_story(summit_ru, bilateral_en).reason.startswith("one source's language versions")
    summit_ru["precision"] = bilateral_en["precision"] = "day"
    assert not same_story(summit_ru, bilateral_en).same


def test_the_same_person_the_same_day_between_the_same_two_is_one_meeting_across_sources():
    talks = features(
        "Министр иностранных дел Узбекистана Бахтиёр Саидов провел переговоры с министром "
        "иностранных дел Республики Корея.",
        countries=("UZ", "KR"),
    )
    report = features(
        "Tashqi ishlar vaziri Baxtiyor Saidov Koreya Respublikasi tashqi ishlar vaziri bilan "
        "muzokaralar oʻtkazdi.",
        countries=("UZ", "KR"),
        language="uz",
        when=WHEN + timedelta(hours=3),
    )
    decision = same_story(talks, report)
    assert decision.same and "same person" in decision.reason
    # one source's two posts that morning: the minister's departure, then the talks
    report["source"] = talks["source"]
    assert "same person" not in same_story(talks, report).reason


def test_a_summits_reports_and_a_sideline_bilateral_are_never_grouped_together():
    from storage.dedup import regional_and_bilateral

    assert regional_and_bilateral({"TM", "UZ"}, {"TM", "UZ", "KZ", "KG", "TJ"})
    assert regional_and_bilateral({"KG", "TJ", "EU"}, {"EU", "KG", "KZ", "TJ", "TM", "UZ"})
    # one state's own report of the summit, a guest, or states merely mentioned: no
    assert not regional_and_bilateral({"TM"}, {"TM", "UZ", "KZ", "KG", "TJ"})
    assert not regional_and_bilateral(
        {"TM", "UZ", "KZ", "KG", "TJ"}, {"TM", "UZ", "KZ", "KG", "TJ", "AZ"}
    )
    assert not regional_and_bilateral({"TM", "UN"}, {"TM", "UN", "AF", "AZ"})


def test_border_delimitation_rounds_meet_like_a_commission():
    assert commission("Кыргызстан и Таджикистан начали очередной раунд переговоров по демаркации")
    assert commission("Ҷаласаи навбатии ҳайатҳои ҳукуматии Тоҷикистону Қирғизистон")
    assert commission("Tajik, Kyrgyz border commissions agree on timeline")
    assert not commission("Министры иностранных дел обсудили торговлю")


def test_each_states_report_of_an_organisations_summit_is_one_story(tmp_path):
    from datetime import UTC, datetime

    from storage import Store

    when = datetime(2026, 5, 20, 7, tzinfo=UTC)
    reports = [
        ("kazinform", "kk", "Тоқаев Түркі мемлекеттері ұйымының бейресми саммитінде сөз сөйледі",
         "Мемлекет басшысы Қасым-Жомарт Тоқаев Шолпан-Атада өткен саммитте сөз сөйледі."),
        ("uza", "uz", "Shavkat Mirziyoyev Turkiy davlatlar tashkilotining norasmiy sammitida",
         ("Prezident Shavkat Mirziyoyev Turkiy davlatlar tashkilotining norasmiy sammitida "
         "ishtirok etdi.")),
        ("mfa_kg", "ru", "Неформальный саммит Организации тюркских государств",
         ("В Чолпон-Ате прошел неформальный саммит Организации тюркских государств под "
         "председательством Президента Кыргызской Республики Садыра Жапарова.")),
        # a bilateral on its sidelines is another event
        ("akipress", "ru", "На полях саммита ОТГ Жапаров и Эрдоган обсудили торговлю",
         ("На полях саммита Организации тюркских государств Президент Кыргызстана Садыр Жапаров "
         "и Президент Турции Реджеп Тайип Эрдоган обсудили торговлю.")),
    ]  # fmt: skip
    with Store(tmp_path / "s.db") as store:
        for i, (source, language, title, body) in enumerate(reports):
            store.save_article(
                {
                    "source": source,
                    "url": f"https://{source}.example/{i}",
                    "title": title,
                    "body": body,
                    "language": language,
                    "published": (when + timedelta(hours=i)).isoformat(),
                },
                now=when + timedelta(days=1),
            )
        stories = [
            r["story_id"] for r in store.db.query("SELECT story_id FROM articles ORDER BY id")
        ]
    assert stories[0] == stories[1] == stories[2]
    assert stories[3] != stories[0]


def test_within_a_dialogues_framework_is_the_meeting_itself_not_its_sidelines():
    from storage.dedup import sidelines

    assert sidelines("Мирзиёев Ашхобод саммити доирасида Сердар Бердимуҳамедов билан учрашди")
    assert sidelines("На полях саммита ШОС состоялась встреча")
    assert not sidelines(
        "В Ашхабаде состоялось заседание министров в рамках Диалога «Центральная Азия + Япония»"
    )


@pytest.mark.parametrize("seed", range(4))
def test_a_story_of_many_reprints_groups_the_same_whatever_the_order(tmp_path, seed):
    import random
    from datetime import UTC, datetime

    from storage import Store

    when = datetime(2026, 11, 20, 5, tzinfo=UTC)
    articles = [
        {
            "source": "kt_kz",
            "url": f"https://www.kt.kz/rus/politics/copy_{i}.html",
            "title": "Кошербаев и Кулубаев обсудили водные вопросы",
            "body": RELEASE + f" Источник {i}.",
            "language": "ru",
            "published": (when + timedelta(minutes=i)).isoformat(),
        }
        for i in range(25)
    ]
    # a reprint naming another party (Japan) in its headline joins only through its text
    articles.append(
        dict(articles[0], url="https://www.kt.kz/rus/politics/jp.html",
             title="Кошербаев, Кулубаев и посол Японии обсудили водные вопросы")
    )  # fmt: skip
    random.Random(seed).shuffle(articles)
    with Store(tmp_path / "s.db") as store:
        for article in articles:
            store.save_article(article, now=when + timedelta(days=2))
        grouping = {
            r["url"]: r["story_id"] for r in store.db.query("SELECT url, story_id FROM articles")
        }
    by_story: dict[int, set[str]] = {}
    for url, story in grouping.items():
        by_story.setdefault(story, set()).add(url)
    partition = sorted(sorted(urls) for urls in by_story.values())
    with Store(tmp_path / "sorted.db") as store:
        for article in sorted(articles, key=lambda a: a["url"]):
            store.save_article(article, now=when + timedelta(days=2))
        again: dict[int, set[str]] = {}
        for r in store.db.query("SELECT url, story_id FROM articles"):
            again.setdefault(r["story_id"], set()).add(r["url"])
    assert partition == sorted(sorted(urls) for urls in again.values())


def test_a_post_that_is_not_diplomacy_is_no_members_report_of_a_summit():
    members = ("KZ", "KG", "UZ", "TR", "AZ", "HU", "TM")
    report = features("Президент выступил на саммите.", countries=("KZ",), event="conference")
    report.update(summit=True, sidelines=False, members=members)
    roads = features("В Чолпон-Ате на время саммита перекрыли дороги.", countries=())
    roads.update(summit=True, sidelines=False, members=(), event_type=None)
    assert not same_story(report, roads).same
    other = features("Президент выступил на саммите.", countries=("UZ",), event="conference")
    other.update(summit=True, sidelines=False, members=members)
    assert same_story(report, other).same


def test_the_same_two_states_the_same_day_sharing_a_fact_are_one_meeting():
    talks = features(
        "В Ашхабаде министры иностранных дел Туркменистана и Ирана обсудили увеличение "
        "поставок газа на 30 процентов и строительство железной дороги.",
        countries=("TM", "IR"),
    )
    report = features(
        "Iran and Turkmenistan discussed increasing gas swap supplies by 30 percent.",
        countries=("IR", "TM"),
        language="en",
        when=WHEN + timedelta(hours=4),
    )
    decision = same_story(talks, report)
    assert decision.same and "a fact shared" in decision.reason
    # figures the one states and the other contradicts: two events
    other = features(
        "Iran and Turkmenistan discussed gas swap supplies: up 30 percent, 40 trains a month, "
        "15 billion cubic metres by 2035.",
        countries=("IR", "TM"),
        language="en",
        when=WHEN + timedelta(hours=4),
    )
    figures = features(
        "Министры Туркменистана и Ирана обсудили поставки газа: рост на 30 процентов, 25 "
        "составов в месяц и 12 млрд кубометров к 2028 году.",
        countries=("TM", "IR"),
    )
    assert not same_story(figures, other).same
    # the next day is not the same day
    report["published"] = WHEN + timedelta(hours=20)
    assert not same_story(talks, report).same


def test_a_format_of_the_five_and_a_partner_takes_the_next_mornings_analysis():
    six = ("KZ", "KG", "TJ", "TM", "UZ", "EU")
    meeting = features(
        "Министры иностранных дел стран Центральной Азии и Европейского союза встретились в "
        "Чолпон-Ате и приняли совместное коммюнике.",
        countries=six,
    )
    analysis = features(
        "After the ministerial, can Brussels keep its promises to the region? The communique "
        "lists transport and water.",
        countries=six,
        language="en",
        event="visit",
        when=WHEN + timedelta(hours=20),
    )
    assert same_story(meeting, analysis).same
    # three states the next day: another gathering, not the same
    three = ("KZ", "KG", "TJ")
    assert not same_story(
        features("Министры трёх стран встретились в Худжанде.", countries=three),
        features(
            "Ministers of three states met in Khujand.",
            countries=three,
            language="en",
            when=WHEN + timedelta(hours=20),
        ),
    ).same


@pytest.mark.parametrize("reverse", [False, True])
def test_the_ministerial_the_day_before_a_summit_of_the_same_six_is_another_event(
    tmp_path, reverse
):
    when = datetime(2026, 3, 4, 6, tzinfo=UTC)
    reports = [
        # day one: the foreign ministers
        (0, "mfa_kz", "en", "Kazakh FM attends Central Asia – EU ministerial meeting",
         ("Foreign Minister Murat Nurtleu took part in the meeting of the foreign ministers of "
          "Central Asia and the European Union in Samarkand.")),
        (2, "kabar", "ru", "Жээнбек Кулубаев принял участие во встрече глав МИД Центральной Азии и ЕС",
         ("Министр иностранных дел Кыргызстана принял участие во встрече министров иностранных "
          "дел стран Центральной Азии и Европейского союза в Самарканде.")),
        # day two: the heads of state; a headline naming neither, a lead naming them
        (25, "mfa_uz", "ru", "Принята Самаркандская декларация",
         ("По итогам второго саммита «Центральная Азия – Европейский союз» главы государств "
          "приняли Самаркандскую декларацию.")),
        (27, "trend", "en", "Central Asia, EU leaders convene in Samarkand",
         ("Leaders of the five Central Asian states and the European Union met in Samarkand for "
          "their second summit.")),
        # a minister at the heads' summit is at the summit
        (28, "uzbekmfa", "en", "FM Bakhtiyor Saidov takes part in the Central Asia – EU summit",
         ("Minister Bakhtiyor Saidov took part in the second Central Asia – European Union summit "
          "in Samarkand.")),
    ]  # fmt: skip
    if reverse:
        reports.reverse()
    story = _stories(tmp_path / "s.db", when, reports)
    assert story[0] == story[2]
    assert story[25] == story[27] == story[28]
    assert story[0] != story[25]


@pytest.mark.parametrize("reverse", [False, True])
def test_an_organisations_summit_by_its_formal_name_in_its_host_capital(tmp_path, reverse):
    when = datetime(2026, 7, 14, 8, tzinfo=UTC)
    reports = [
        # the host's reports name its capital: a party of every report
        (0, "kabar", "ky", "ШКУнун саммитине катышуучулар Бишкекке келе баштады",
         ("Шанхай кызматташтык уюмунун саммитине катышуучулар Бишкекке келе баштады. "
          "Казакстандын, Тажикстандын жана Өзбекстандын лидерлери келди.")),
        (16, "kabar", "ru", "Садыр Жапаров открыл заседание Совета глав государств ШОС",
         "В Бишкеке Президент Кыргызстана открыл заседание Совета глав государств ШОС."),
        (18, "kazinform", "ru", "Токаев выступил на саммите ШОС в Бишкеке",
         "Президент Казахстана выступил на саммите Шанхайской организации сотрудничества."),
        (19, "uza", "uz", "Prezident ShHT sammitida nutq soʻzladi",
         "Prezident Shavkat Mirziyoyev Bishkekda ShHT sammitida nutq soʻzladi."),
        # a bilateral on its sidelines is another event
        (20, "akipress", "ru", "На полях саммита ШОС Токаев и Мирзиёев провели встречу",
         ("На полях саммита ШОС в Бишкеке Президент Казахстана и Президент Узбекистана "
          "провели встречу.")),
    ]  # fmt: skip
    if reverse:
        reports.reverse()
    story = _stories(tmp_path / "s.db", when, reports)
    assert story[0] == story[16] == story[18] == story[19]
    assert story[20] != story[0]


@pytest.mark.parametrize(
    "title",
    [
        "Садыр Жапаров открыл заседание Совета глав государств ШОС",
        "Meeting of the SCO Council of Heads of State held in Bishkek",
        "Суханронии Пешвои миллат дар ҷаласаи Шӯрои сарони давлатҳои аъзои СҲШ",
        "Бахтиёр Саидов выступил на заседании СМИД ШОС",
        "OTS Council of Foreign Ministers",
        "ShHT TIV kengashi yigʻilishi boʻlib oʻtdi",
        "Суханронӣ дар ҷаласаи Шӯрои амнияти дастаҷамъӣ",
        "Сессия Совета коллективной безопасности ОДКБ",
    ],
)
def test_an_organisations_gatherings_by_their_formal_names(title):
    assert summit(title)


def test_one_ministrys_day_the_presidents_reception_and_the_ministers_talks_are_two():
    # a page dated to the day: both posts carry one time
    talks = _titled(
        "Состоялись переговоры министров иностранных дел Туркменистана и Индии",
        "В Ашхабаде состоялись переговоры министров иностранных дел Туркменистана и Индии.",
        countries=("TM", "IN"),
    )
    reception = _titled(
        "President of Turkmenistan receives the External Affairs Minister of India",
        "President Serdar Berdimuhamedov received the External Affairs Minister of India.",
        countries=("TM", "IN"),
        language="en",
    )
    for post in (talks, reception):
        post.update(source="mfa_tm", precision="day")
    assert not same_story(talks, reception).same
    # the ministers' talks in two languages that day are one release
    english = _titled(
        "Talks held between the Foreign Ministers of Turkmenistan and India",
        "Talks between the foreign ministers of Turkmenistan and India were held in Ashgabat.",
        countries=("TM", "IN"),
        language="en",
    )
    english.update(source="mfa_tm", precision="day")
    assert same_story(talks, english).same


def test_an_organisations_summit_groups_the_same_whatever_the_order(tmp_path):
    import random

    when = datetime(2026, 7, 15, 5, tzinfo=UTC)
    reports = [
        (0, "mfa_kg", "en", "Meeting of the SCO Council of Heads of State held in Bishkek",
         ("The meeting of the SCO Council of Heads of State was held in Bishkek: 22 documents "
          "were signed and 35 projects approved until 2027.")),
        # a guest's state named beside the host's: not a member, yet the summit's report
        (1, "akipress", "en", "SCO summit ends in Bishkek with 22 documents signed",
         ("The SCO summit in Bishkek ended with 22 documents and 35 projects until 2027; the "
          "President of Turkmenistan attended as a guest.")),
        (2, "uza", "uz", "Prezident ShHT sammitida nutq soʻzladi",
         "Prezident Shavkat Mirziyoyev Bishkekda ShHT sammitida nutq soʻzladi."),
        # one leader's own report naming neither the organisation nor a state
        (3, "akorda_tg", "ru", "Глава государства выступил на саммите",
         "Касым-Жомарт Токаев выступил на саммите в Бишкеке."),
        (4, "kabar", "ru", "Садыр Жапаров открыл заседание Совета глав государств ШОС",
         "В Бишкеке Президент Кыргызстана открыл заседание Совета глав государств ШОС."),
    ]  # fmt: skip
    groupings = set()
    for seed in range(8):
        order = list(reports)
        random.Random(seed).shuffle(order)
        story = _stories(tmp_path / f"s{seed}.db", when, order)
        by_story: dict[int, set[float]] = {}
        for hours, found in story.items():
            by_story.setdefault(found, set()).add(hours)
        groupings.add(frozenset(frozenset(g) for g in by_story.values()))
    assert len(groupings) == 1, groupings
    (grouping,) = groupings
    assert {0, 1} <= max(grouping, key=len)


def test_two_gatherings_of_the_region_by_two_organisations_are_two_events():
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    unrcca = features(
        "UNRCCA convened a meeting of deputy foreign ministers of the five states in Ashgabat.",
        countries=five,
        language="en",
    )
    council = features(
        "В Баку проходит заседание Совета министров иностранных дел Организации тюркских "
        "государств.",
        countries=("KZ", "KG", "TM", "UZ"),
        when=WHEN + timedelta(hours=1),
    )
    assert same_story(unrcca, council).same  # by their parties alone: one gathering
    unrcca["organisations"] = frozenset({"UN"})
    council["organisations"] = frozenset({"OTS"})
    decision = same_story(unrcca, council)
    assert not decision.same and "organisations" in decision.reason


def test_a_presidents_press_service_speaks_for_the_head_of_state(tmp_path):
    import sqlite3

    from crawler.registry import load_registry

    registry = load_registry()
    assert registry["akorda_tg"].principal == "head_of_state"
    when = datetime(2026, 7, 6, 7, tzinfo=UTC)
    reports = [
        (0, "mfa_kz", "ru", "Переговоры министров иностранных дел Казахстана и Таджикистана",
         ("В Астане состоялись переговоры министров иностранных дел Казахстана и Таджикистана: "
          "обсуждены 12 проектов на 450 млн долларов.")),
        (2, "khovar", "ru", "Сироджиддин Мухриддин провел переговоры в Астане",
         ("Министр иностранных дел Таджикистана провел переговоры с казахстанским коллегой: "
          "12 проектов на 450 млн долларов.")),
        # the president's channel: its "reception" is the president's, another event
        (4, "akorda_tg", "ru", "Прием министра иностранных дел Таджикистана",
         "Состоялась встреча с министром иностранных дел Таджикистана Сироджиддином Мухриддином."),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    with sqlite3.connect(tmp_path / "s.db") as db:
        (principal,) = db.execute("SELECT principal FROM sources WHERE id = 'akorda_tg'").fetchone()
    assert principal == "head_of_state"
    assert story[0] == story[2]
    assert story[4] != story[0]


def test_a_ministrys_two_meetings_with_one_state_the_same_day_stay_two():
    # the minister's talks with his counterpart; his deputy's reception of the ambassador
    talks = features(
        "Choʻlpon-Otada Pokiston tashqi ishlar vaziri bilan uchrashuv boʻlib oʻtdi.",
        countries=("UZ", "PK"),
        language="uz",
    )
    reception = features(
        "Заместитель министра иностранных дел принял Посла Пакистана в Ташкенте.",
        countries=("PK", "UZ"),
        when=WHEN + timedelta(hours=6),
    )
    talks["home"] = reception["home"] = "UZ"  # the ministry's Telegram channel and its site
    assert not same_story(talks, reception).same


def test_a_secretary_generals_receptions_in_two_capitals_are_two_events(tmp_path):
    when = datetime(2026, 5, 4, 6, tzinfo=UTC)
    reports = [
        (0, "kazinform", "ru", "Токаев принял Генерального секретаря ОДКБ",
         "Президент Казахстана принял в Акорде Генерального секретаря ОДКБ."),
        (20, "kabar", "ru", "Садыр Жапаров принял Генерального секретаря ОДКБ",
         "Президент Кыргызстана принял в Бишкеке Генерального секретаря ОДКБ."),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, reports)
    assert story[0] != story[20]


def test_an_organisations_leaders_in_a_headline_are_its_summit():
    assert summit("Что обсуждали лидеры СНГ в Москве: главное")
    assert summit("SCO leaders adopt the Tianjin declaration")
    assert summit("ШҲТ етакчилари Тяньцзинда учрашди")
    # leaders of states, not of an organisation: no summit
    assert not summit("Лидеры Казахстана и Узбекистана обсудили транзит")


def test_a_summits_group_never_takes_a_meeting_of_two_members():
    from storage.stories import _group_links

    def node(url, parties, members=(), two=False):
        return {"canonical_url": url, "parties": frozenset(parties), "members": members, "two": two}

    sco = ("CN", "RU", "KZ", "KG", "TJ", "UZ")
    nodes = {
        1: node("a", {"KG"}, sco),  # the summit's report, the organisation named
        2: node("b", {"KZ"}),  # one leader's own report of it
        3: node("c", {"UZ"}),  # another's
        4: node("d", {"KZ", "CN"}, two=True),  # two leaders meeting on its sidelines
    }
    edges = [(1.5, 1, 2, "summit"), (1.5, 1, 3, "summit"), (1.5, 2, 4, "two heads")]
    groups = _group_links(nodes, edges)
    assert {1, 2, 3} in groups
    assert {4} in groups


def test_a_tajik_reception_is_a_persons_not_an_adoption():
    assert head_of_state("Қабули Вазири корҳои хориҷии Эрон")
    assert not head_of_state("Қабули эъломияи вазирони корҳои хориҷӣ")


def test_sidelines_in_a_headlines_short_style():
    from storage.dedup import sidelines

    assert sidelines("Tokayev, Erdoğan meet on sidelines of OTS summit")


@pytest.mark.parametrize("reverse", [False, True])
def test_a_summits_reports_of_each_leader_and_the_meetings_of_two_held_there(tmp_path, reverse):
    when = datetime(2026, 4, 15, 5, tzinfo=UTC)
    summit_ = [
        (
            "mfa_kz",
            "ru",
            "В Туркестане состоялся неформальный саммит Организации тюркских государств",
            "В Туркестане состоялся неформальный саммит Организации тюркских государств.",
        ),
        # each leader's own report names him alone, some without the organisation
        (
            "kun_uz",
            "uz-Cyrl",
            "Мирзиёев Туркистондаги саммитда нутқ сўзлади",
            "Ўзбекистон Президенти Шавкат Мирзиёев Туркистондаги саммитда нутқ сўзлади.",
        ),
        (
            "kabar",
            "ky",
            "Садыр Жапаров ТМУнун саммитинде сөз сүйлөдү",
            "Кыргызстандын Президенти Садыр Жапаров Түрк мамлекеттер уюмунун саммитинде сөз сүйлөдү.",
        ),
        (
            "trend",
            "en",
            "President Ilham Aliyev addresses OTS informal summit in Turkistan",
            "President of Azerbaijan Ilham Aliyev addressed the informal summit of the OTS in Kazakhstan.",
        ),
    ]
    two = [
        # a headline naming two: their own meeting, whatever summit it names
        ("akipress", "ru", "Жапаров и Алиев обсудили подготовку к саммиту ОТГ",
         "Президенты Кыргызстана и Азербайджана обсудили подготовку к саммиту ОТГ."),
        ("tengrinews", "kk", "Тоқаев Ердоғанмен кездесті",
         "Қазақстан Президенті Түркия Президентімен кездесті."),
    ]  # fmt: skip
    reports = [(i / 2, *report) for i, report in enumerate([*summit_, *two])]
    if reverse:
        reports.reverse()
    story = _stories(tmp_path / "s.db", when, reports)
    ids = {story[i / 2] for i in range(len(summit_))}
    assert len(ids) == 1
    assert all(story[i / 2] not in ids for i in range(len(summit_), len(reports)))


def test_leaders_trips_and_words_for_a_summit_named_in_their_first_sentence(tmp_path):
    when = datetime(2026, 4, 14, 10, tzinfo=UTC)
    reports = [
        (0, "trend", "ru", "Президент Ильхам Алиев прибыл с рабочим визитом в Казахстан",
         ("Президент Азербайджана Ильхам Алиев прибыл в Туркестан для участия в неформальном "
          "саммите Организации тюркских государств. В аэропорту его встретил аким области.")),
        (6, "akipress", "ru", "Эрдоган в Туркестане призвал ускорить работу над Срединным коридором",
         ("Президент Турции Реджеп Тайип Эрдоган на неформальном саммите Организации тюркских "
          "государств в казахстанском Туркестане призвал ускорить работу над Срединным коридором.")),
        (12, "mfa_kz", "ru", "В Туркестане состоялся неформальный саммит Организации тюркских государств",
         "В Туркестане состоялся неформальный саммит Организации тюркских государств."),
        # two leaders meeting there: their own event
        (18, "kazinform", "ru", "Токаев и Эрдоган провели встречу в Туркестане",
         ("Президент Казахстана и Президент Турции провели встречу на полях неформального "
          "саммита Организации тюркских государств.")),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, reports)
    assert story[0] == story[6] == story[12]
    assert story[18] != story[12]


def _stories(path, when, reports, *, registry=False):
    """Save ``reports`` (hours after ``when``, source, language, title, body) in this
    order into a new store at ``path``; each report's story id, by its hours."""
    from crawler.registry import load_registry
    from storage import Store

    with Store(path) as store:
        if registry:
            store.sync_sources([s.as_row() for s in load_registry().values()], complete=True)
        for hours, source, language, title, body in reports:
            store.save_article(
                {
                    "source": source,
                    "url": f"https://{source}.example/{hours}",
                    "title": title,
                    "body": body,
                    "language": language,
                    "published": (when + timedelta(hours=hours)).isoformat(),
                },
                now=when + timedelta(days=2),
            )
        return {
            float(r["url"].rsplit("/", 1)[1]): r["story_id"]
            for r in store.db.query("SELECT url, story_id FROM articles")
        }


def test_a_tajik_reception_is_the_presidents_and_date_only_versions_keep_their_voice():
    assert head_of_state("Қабули Вазири корҳои хориҷии Эрон")
    talks = _titled(
        "Туркменистан и Пакистан обсудили ход реализации проекта ТАПИ",
        "В Ашхабаде обсудили проект ТАПИ.",
        countries=("TM", "PK"),
    )
    reception = _titled(
        "Türkmenistanyň Prezidenti Pakistanyň daşary işler ministrini kabul etdi",
        "Türkmenistanyň Prezidenti Pakistanyň daşary işler ministrini kabul etdi.",
        countries=("TM", "PK"),
        language="tk",
    )
    for post in (talks, reception):
        post.update(source="tdh", precision="day")
    assert not same_story(talks, reception).same


def test_a_headline_quoting_one_speaker_is_one_speakers_words():
    from storage.relevance import default_classifier

    assert default_classifier().trip_or_speech("Kallas: EU to expand Global Gateway investments")
    assert not default_classifier().trip_or_speech("What Xi's visit means: an analysis")


def test_a_report_naming_one_state_and_sharing_a_figure_is_a_sign_not_one_event():
    signed = features("В Астане подписано 15 документов.", countries=("KZ",))
    visit = features(
        "Казахстан и Турция подписали 15 документов по итогам переговоров.",
        countries=("KZ", "TR"),
        when=WHEN + timedelta(hours=2),
    )
    for a, b in ((signed, visit), (visit, signed)):
        decision = same_story(a, b)
        assert not decision.same and decision.support, decision
    # nothing shared, or another day: no sign
    plain = features("В Астане подписаны документы.", countries=("KZ",))
    assert not same_story(plain, visit).support
    later = features(
        "В Астане подписано 15 документов.", countries=("KZ",), when=WHEN + timedelta(hours=20)
    )
    assert not same_story(later, visit).support


_VISIT_REPORTS = [
    (0, "kazinform", "ru", "Токаев и Эрдоган провели переговоры",
     ("Президенты Казахстана и Турции подписали 15 документов и договорились о "
      "товарообороте 15 млрд долларов.")),
    (1, "kabar", "ru", "Казахстан и Турция подписали 15 документов",
     "Президенты Казахстана и Турции подписали в Астане 15 документов."),
    (2, "kun_uz", "uz", "Qozogʻiston va Turkiya 15 ta hujjat imzoladi",
     "Qozogʻiston va Turkiya prezidentlari Ostonada 15 ta hujjat imzoladi."),
    # one state named: a sign to each of the three, joined through them
    (3, "tengrinews", "kk", "Астанада 15 құжатқа қол қойылды",
     "Ақордада ресми келіссөздер қорытындысы бойынша 15 үкіметаралық құжатқа қол қойылды."),
]  # fmt: skip


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_a_report_naming_one_state_joins_the_one_story_its_figures_point_to(tmp_path, order):
    when = datetime(2026, 1, 13, 6, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, [_VISIT_REPORTS[n] for n in order], registry=True)
    assert len(set(story.values())) == 1, story


def test_a_report_naming_one_state_whose_figures_point_to_two_stories_joins_neither(tmp_path):
    when = datetime(2026, 1, 13, 6, tzinfo=UTC)
    other = [
        (0.5, "akipress", "ru", "Казахстан и Китай подписали 15 документов",
         "Казахстан и Китай подписали в Астане 15 документов."),
        (1.5, "kt_kz", "ru", "Казахстан и Китай: 15 документов",
         "Казахстан и Китай подписали в Астане пакет из 15 документов."),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, [*_VISIT_REPORTS, *other], registry=True)
    groups = {}
    for hours, found in story.items():
        groups.setdefault(found, set()).add(hours)
    assert {3} in groups.values(), groups


_VISIT_AND_ANALYSIS = [
    (0, "kazinform", "ru", "Шавкат Мирзиёев прибыл в Астану с государственным визитом",
     "Президент Узбекистана Шавкат Мирзиёев прибыл в Астану с государственным визитом."),
    (4, "kt_kz", "ru", "Токаев и Мирзиёев провели переговоры в Астане",
     ("Президенты Казахстана и Узбекистана Касым-Жомарт Токаев и Шавкат Мирзиёев "
      "подписали 18 соглашений и договорились довести товарооборот до $10 млрд.")),
    (6, "uza", "en", "Uzbekistan, Kazakhstan sign 18 agreements in Astana",
     ("Presidents Shavkat Mirziyoyev and Kassym-Jomart Tokayev signed 18 agreements in "
      "Astana and set a $10 billion trade target.")),
    # the next day's analysis names the capital and one state, and the visit's figures
    (30, "timesca", "en", "Astana Talks Put Water and Transit at the Heart of an Alliance",
     ("This week's summit in Astana went further than the usual exchange of pleasantries "
      "between Central Asia's two largest economies. The 18 agreements signed on Tuesday "
      "commit Tashkent and Astana to a $10 billion trade goal.")),
]  # fmt: skip


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_the_next_days_analysis_naming_the_place_and_one_state_joins_the_visit(tmp_path, order):
    when = datetime(2026, 1, 13, 4, tzinfo=UTC)
    reports = [_VISIT_AND_ANALYSIS[n] for n in order]
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert len(set(story.values())) == 1, story


def test_a_report_naming_one_state_looks_back_only_later_at_the_place_and_its_facts():
    when = datetime(2026, 1, 13, 8, tzinfo=UTC)
    talks = _announcing(
        "Токаев и Мирзиёев провели переговоры в Астане",
        "Президенты подписали в Астане 18 соглашений и поставили цель в $10 млрд.",
        when=when,
        countries=("KZ", "UZ"),
        head=True,
    )

    def later(title, lead, hours=30):
        return _announcing(
            title, lead, when=when + timedelta(hours=hours), countries=("KZ",), event="meeting"
        )

    analysis = later(
        "Astana Talks Put Water and Transit First",
        "This week's summit in Astana produced 18 agreements and a $10 billion goal.",
    )
    decision = same_story(analysis, talks)
    assert decision.support and "later report" in decision.reason, decision
    # published before the talks, announcing, naming another place, sharing nothing: no sign
    before = later(analysis["title"], analysis["lead"], hours=-30)
    ahead = later(
        "Astana Will Host a Forum on the 18 Agreements",
        "Astana will host a forum on the 18 agreements and the $10 billion goal.",
    )
    elsewhere = later(
        "Bishkek Talks Put Water First",
        "This week's summit in Bishkek produced 18 agreements and a $10 billion goal.",
    )
    nothing = later("Astana Talks Put Water First", "This week's summit in Astana ended.")
    for other in (before, ahead, elsewhere, nothing):
        assert not same_story(other, talks).support, other["title"]


def _announcing(title, lead, *, when, countries, head=False, minister=False, event="visit"):
    found = features(lead, when=when, countries=countries, event=event)
    found.update(title=title, lead=lead, head=head, minister=minister)
    return found


def test_an_announcement_and_a_report_of_the_day_it_named_are_one_event():
    announced = _announcing(
        "Премьер-министр Индии посетит Узбекистан",
        "19–20 января Премьер-министр Индии совершит официальный визит в Узбекистан.",
        when=datetime(2026, 1, 16, 12, tzinfo=UTC),
        countries=("IN", "UZ"),
        head=True,
    )
    arrival = _announcing(
        "Прибытие", "Высокий гость прибыл в Ташкент.",
        when=datetime(2026, 1, 19, 4, 30, tzinfo=UTC), countries=("UZ", "IN"), head=True,
    )  # fmt: skip
    for a, b in ((announced, arrival), (arrival, announced)):
        decision = same_story(a, b)
        assert decision.same and "announced" in decision.reason
    # a day it did not name; other parties; the ministers' meeting during the visit
    for other in (
        {**arrival, "published": datetime(2026, 1, 22, 4, tzinfo=UTC)},
        {**arrival, "countries": ["UZ", "PK"]},
        {**arrival, "head": False, "minister": True},
        {**arrival, "event_type": "phone_call"},
    ):
        assert not same_story(announced, other).same


def test_a_gathering_announced_is_not_a_bilateral_of_two_of_its_states_that_week():
    summit_ = _announcing(
        "Лидеры тюркских государств съезжаются в Чолпон-Ату",
        "20-21 мая в Чолпон-Ате пройдет неформальный саммит.",
        when=datetime(2026, 5, 19, 6, tzinfo=UTC),
        countries=("KZ", "KG", "UZ"),
        event="conference",
    )
    forum = _announcing(
        "В Бишкеке прошел кыргызско-казахстанский бизнес-форум", "Бизнес-форум прошел.",
        when=datetime(2026, 5, 21, 9, tzinfo=UTC), countries=("KG", "KZ"), event="conference",
    )  # fmt: skip
    assert not same_story(summit_, forum).same


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_an_announcement_days_before_is_found_from_either_side(tmp_path, order):
    when = datetime(2026, 1, 16, 12, tzinfo=UTC)
    reports = [
        (0, "dunyo", "ru", "Премьер-министр Индии посетит Узбекистан с официальным визитом",
         ("По приглашению Президента Узбекистана 19–20 января Премьер-министр Индии "
          "Нарендра Моди совершит официальный визит в Узбекистан.")),
        (64.5, "kun_uz", "en", "Modi arrives in Tashkent",
         ("Indian Prime Minister Narendra Modi arrived in Tashkent on an official visit "
          "to Uzbekistan.")),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, [reports[n] for n in order], registry=True)
    assert len(set(story.values())) == 1, story
    with Store(tmp_path / "s.db") as store:
        assert store.db.execute("SELECT day FROM announced_days").fetchall() == [
            ("2026-01-19",),
            ("2026-01-20",),
        ]


def test_a_store_from_before_m021_learns_the_days_its_reports_announced(tmp_path):
    import sqlite_utils

    from storage.schema import migrations

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m021_announced_days")
    db.execute("INSERT INTO sources (id, name, kind) VALUES ('dunyo', 'Dunyo', 'agency')")
    db.execute(
        "INSERT INTO stories (id, created, first_published) "
        "VALUES (1, '2026-01-16T12:00:00Z', '2026-01-16T12:00:00Z')"
    )
    db.execute(
        "INSERT INTO articles (id, source, url, canonical_url, title, body, published, "
        "published_from, content_hash, story_id, first_seen, last_seen, relevant, countries, "
        "published_day) VALUES (1, 'dunyo', 'https://dunyo.info/1', 'https://dunyo.info/1', "
        "'Премьер-министр Индии посетит Узбекистан', '19–20 января состоится визит.', "
        "'2026-01-16T12:00:00Z', 'page', 'x', 1, '2026-01-16T12:00:00Z', "
        "'2026-01-16T12:00:00Z', 1, '[\"IN\", \"UZ\"]', '2026-01-16')"
    )
    db.close()
    with Store(path) as store:
        assert store.db.execute("SELECT day, article_id FROM announced_days").fetchall() == [
            ("2026-01-19", 1),
            ("2026-01-20", 1),
        ]


def test_a_state_visits_analysis_two_days_later_is_of_the_visit():
    start = datetime(2026, 2, 4, 4, 40, tzinfo=UTC)
    visit = features(
        "Davlat tashrifi boshlandi.", when=start, countries=("KZ", "UZ"), event="visit"
    )
    visit.update(visit=True, head=True)
    analysis = features(
        "Astana and Tashkent raise the bar: what the Supreme Council delivered.",
        when=start + timedelta(hours=47),
        countries=("KZ", "UZ"),
        language="en",
        event="agreement",
    )
    analysis.update(head=False, minister=False)
    assert same_story(visit, analysis).same
    # the ministers' meeting; three days later; a call
    assert not same_story(visit, {**analysis, "minister": True}).same
    assert not same_story(visit, {**analysis, "published": start + timedelta(hours=60)}).same
    assert not same_story(visit, {**analysis, "event_type": "phone_call"}).same


@pytest.mark.parametrize(
    "text",
    [
        "Прием министра иностранных дел Республики Узбекистан",  # the Tajik president's
        "Döwlet Baştutanlarynyň Bilelikdäki Jarnamasy kabul edildi",
        "Марказий Осиё етакчилари Сеул декларациясини қабул қилди",
    ],
)
def test_more_heads_of_state(text):
    assert head_of_state(text)


def test_the_same_two_meeting_the_same_day_is_one_meeting_whatever_figures_each_adds():
    ministry = features(
        "Министр иностранных дел Таджикистана провел переговоры с Министром иностранных дел "
        "России Сергеем Лавровым. Обсуждены вопросы сотрудничества на 2027 год.",
        countries=("TJ", "RU"),
    )
    agency = features(
        "Сироджиддин Мухриддин и Сергей Лавров провели переговоры в Душанбе. Товарооборот в "
        "2025 году превысил 1,5 млрд долларов.",
        countries=("TJ", "RU"),
        when=WHEN + timedelta(hours=2),
    )
    assert same_story(ministry, agency).same
    # not the energy ministers' talks in the other capital that day
    tashkent = features(
        "Министры энергетики Казахстана и Узбекистана Бахытжан Сагинтаев обсудили в Ташкенте "
        "поставки.",
        countries=("KZ", "UZ"),
    )
    tashkent.update(lead="Министры энергетики обсудили в Ташкенте поставки.")
    astana = features(
        "Замминистра иностранных дел Казахстана встретился в Астане с послом Узбекистана "
        "Бахтиёром Ибрагимовым.",
        countries=("KZ", "UZ"),
        when=WHEN + timedelta(hours=4),
    )
    astana.update(lead="Замминистра встретился в Астане с послом Узбекистана.")
    assert not same_story(tashkent, astana).same
    # not the president's reception that day, nor the next day's meeting, nor a call
    assert not same_story({**ministry, "head": True}, {**agency, "head": False}).same
    assert not same_story(ministry, {**agency, "published": WHEN + timedelta(hours=30)}).same
    assert not same_story(ministry, {**agency, "event_type": "phone_call"}).same


def test_a_summits_reports_and_its_ministers_meeting_the_day_before_are_two_events():
    six = ("JP", "KZ", "KG", "TJ", "TM", "UZ")
    ministers = features(
        "Central Asia – Japan Foreign Ministers' Meeting held in Astana.", countries=six
    )
    ministers.update(minister=True, head=False, summit=False)
    declaration = features(
        "Astana Declaration of the Central Asia – Japan Summit adopted.",
        countries=six,
        when=WHEN + timedelta(hours=23),
    )
    declaration.update(minister=False, head=False, summit=True)
    decision = same_story(ministers, declaration)
    assert not decision.same and "ministers" in decision.reason
    # a partner's leader is a head of state's headline too
    assert head_of_state("Japan's Ishiba pledges support for Central Asian connectivity")
    assert head_of_state("Putin, Tokayev hold talks")
    assert not head_of_state("Minister Fidan visits Astana")


@pytest.mark.parametrize(
    ("text", "head", "minister_"),
    [
        # a prime minister is neither (a partner's named leader is a head)
        ("Премьер-министр Индии посетит Узбекистан", False, False),
        ("Prime Minister Modi arrives in Tashkent", True, False),
        ("Сарвазири Ҳиндустон ба Ӯзбекистон ташриф овард", False, False),
        ("Премьер-Министрдің бірінші орынбасары Бішкекте", False, True),
        ("Бош вазир ўринбосари Тошкентда", False, True),
        ("Марказий Осиё етакчилари Сеулда", True, False),
        ("Етакчи компаниялар Тошкентда", False, False),
        # a deputy prime minister is a minister
        ("Встреча с Заместителем Премьер-Министра – Министром иностранных дел", False, True),
        ("Deputy Prime Minister Nurtleu meets Kulubaev", False, True),
        ("Bosh vazir oʻrinbosari Toshkentda", False, True),
    ],
)
def test_a_prime_minister_is_neither_a_head_of_state_nor_a_minister_and_a_deputy_is_one(
    text, head, minister_
):
    assert (head_of_state(text), minister(text)) == (head, minister_)


def test_the_president_receiving_the_ministers_is_not_their_council():
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    council_ = features(
        "В Ашхабаде состоялось заседание Совета министров иностранных дел стран Центральной Азии.",
        countries=five,
    )
    council_.update(minister=True, head=False, summit=True, council=True)
    reception = features(
        "Президент Туркменистана принял глав МИД государств Центральной Азии.",
        countries=five,
        when=WHEN + timedelta(hours=7),
    )
    reception.update(minister=True, head=True, summit=False, council=False)
    assert not same_story(council_, reception).same
    # a minister at the leaders' summit is at the heads' event
    at_the_summit = {**council_, "council": False}
    from storage.dedup import _head_and_minister

    assert not _head_and_minister(reception, at_the_summit)


@pytest.mark.parametrize(
    "title",
    [
        "Бакуде Түркі мемлекеттері ұйымы СІМ кеңесінің отырысы өтті",
        "Ширкати Пешвои миллат дар нишасти ғайрирасмии сарони давлатҳои ИДМ",
    ],
)
def test_more_summits_and_councils(title):
    assert summit(title)


def test_one_sources_posts_hours_apart_are_its_versions_only_with_the_same_parties():
    un = features("Вазир Женевада БМТ Олий комиссари билан учрашди.", countries=("UZ",))
    un["source"] = "uzbekmfa"
    hungary = features(
        "Vazir Jenevada Vengriya tashqi ishlar vaziri bilan uchrashdi.",
        countries=("UZ", "HU"),
        language="uz",
        when=WHEN + timedelta(hours=2),
    )
    hungary["source"] = "uzbekmfa"
    assert not same_story(un, hungary).same
    same_parties = {**hungary, "countries": ["UZ"]}
    decision = same_story(un, same_parties)
    assert decision.same and "versions" in decision.reason


def test_a_report_mentioning_a_visits_days_is_no_announcement_of_it():
    # the minister's meeting with the ambassador speaks of the visit's days; the signing
    # three days later is another event (an announcement says what is to come)
    meeting = _announcing(
        "Мурат Нуртлеу встретился с послом Турции",
        "Министр встретился с послом Турции. Стороны обсудили подготовку к визиту "
        "Президента Турции в Казахстан 15-16 января.",
        when=datetime(2026, 1, 12, 6, tzinfo=UTC),
        countries=("KZ", "TR"),
        event="meeting",
    )
    signing = _announcing(
        "Казахстан и Турция подписали 12 документов", "В Астане подписаны 12 документов.",
        when=datetime(2026, 1, 15, 9, tzinfo=UTC), countries=("KZ", "TR"), event="agreement",
    )  # fmt: skip
    assert not same_story(meeting, signing).same
    announcement = {
        **meeting,
        "title": "Президент Турции посетит Казахстан",
        "lead": meeting["lead"].replace("обсудили подготовку к визиту", "сообщили: посетит"),
    }
    assert same_story(announcement, signing).same


def test_new_talks_two_days_after_a_state_visit_are_not_the_visits():
    start = datetime(2026, 2, 4, 4, 40, tzinfo=UTC)
    visit = features(
        "Davlat tashrifi boshlandi.", when=start, countries=("KZ", "UZ"), event="visit"
    )
    visit.update(visit=True, head=True)
    senate = features(
        "Делегация Сената Казахстана провела переговоры в Узбекистане.",
        when=start + timedelta(hours=50),
        countries=("KZ", "UZ"),
        event="meeting",
    )
    senate.update(head=False, minister=False)
    assert not same_story(visit, senate).same


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_a_visits_ceremony_without_the_guest_joins_the_visit(tmp_path, order):
    when = datetime(2026, 4, 3, 5, tzinfo=UTC)
    reports = [
        (0, "uza", "ru", "Президент Узбекистана и Председатель КНР провели переговоры",
         "Шавкат Мирзиёев и Си Цзиньпин провели переговоры в Ташкенте."),
        (1, "kun_uz", "uz", "Mirziyoyev va Si Szinpin muzokara oʻtkazdi",
         "Prezident Shavkat Mirziyoyev Xitoy rahbari Si Szinpin bilan muzokara oʻtkazdi."),
        (2, "dunyo", "en", "Mirziyoyev and Xi Jinping hold talks in Tashkent",
         "President Shavkat Mirziyoyev and Chinese President Xi Jinping held talks."),
        # the ministry's channel: Uzbekistan and a guest it does not name
        (2.5, "uzbekmfa", "en", "Signing ceremony",
         "Kuksaroy residence: a signing ceremony of bilateral documents is underway."),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, [reports[n] for n in order], registry=True)
    assert len(set(story.values())) == 1, story


def test_the_same_two_ministers_named_the_same_day_are_one_meeting():
    ministry = features(
        "Глава МИД провел встречу с Верховным представителем ЕС.", countries=("KZ", "EU")
    )
    ministry.update(
        title="Глава МИД Казахстана провел встречу с Верховным представителем ЕС",
        lead="Мурат Нуртлеу провел в Ашхабаде встречу с Каей Каллас.",
    )
    agency = features("Nurtleu and Kallas discussed visas.", countries=("KZ", "EU"), language="kk",
                      when=WHEN + timedelta(hours=2))  # fmt: skip
    agency.update(
        title="Нұртілеу Калласпен кездесті", lead="Мұрат Нұртілеу Ашхабадта Кая Калласпен кездесті."
    )
    assert same_story(ministry, agency).same


@pytest.mark.parametrize(
    "title",
    [
        "Участие Президента в неформальной встрече глав государств СНГ",
        "Мирзиёев МДҲ норасмий учрашувида нутқ сўзлади",
        "Tokayev attends informal meeting of CIS heads of state",
    ],
)
def test_an_organisations_informal_meeting_of_leaders_is_a_summit(title):
    assert summit(title)


def test_a_meeting_on_the_summits_sidelines_is_not_the_summit_of_the_same_two_heads():
    speech = features("Tokayev addresses informal CIS summit in Moscow.", countries=("KZ", "RU"))
    speech.update(head=True, summit=True, sidelines=False)
    sidelines = features(
        "Встреча на полях саммита с Президентом России.",
        countries=("KZ", "RU"),
        when=WHEN + timedelta(hours=2),
    )
    sidelines.update(head=True, summit=True, sidelines=True)
    assert not same_story(speech, sidelines).same


def test_the_same_two_ministers_meeting_abroad_the_same_day_are_one_meeting():
    ministry = features("В Баку глава МИД провел встречу с казахстанским коллегой.",
                        countries=("UZ", "KZ"))  # fmt: skip
    ministry.update(
        title="Встреча в Баку",
        lead="В Баку глава МИД Узбекистана провел встречу с казахстанским коллегой.",
    )
    agency = features("Нуртлеу и Саидов встретились в Баку.", countries=("KZ", "UZ"),
                      when=WHEN + timedelta(hours=2))  # fmt: skip
    agency.update(
        title="Нуртлеу и Саидов встретились в Баку на полях СМИД ОТГ",
        lead="Министры иностранных дел Казахстана и Узбекистана встретились в Баку.",
    )
    assert same_story(ministry, agency).same
    # at home, where the two meet for many reasons, a name in common is still needed
    # when both name someone (the deputy minister's reception of the ambassador)
    for report in (ministry, agency):
        report["lead"] = report["lead"].replace("Баку", "Ташкенте")
        report["title"] = report["title"].replace("Баку", "Ташкенте")
    ministry["lead"] = "В Ташкенте заместитель министра Бахромжон Алоев принял посла Казахстана."
    ministry["names"] = names(ministry["lead"])
    assert not same_story(ministry, agency).same


_WATER_CONFERENCE = [
    (0, "khovar", "ru", "В Душанбе открылась Международная конференция по водным ресурсам",
     "В Душанбе открылась Международная конференция высокого уровня по водным ресурсам."),
    (1, "kazinform", "ru", "Казахстанская делегация приняла участие в конференции в Душанбе",
     "Делегация Казахстана приняла участие в международной конференции по воде в Душанбе."),
    (2, "kabar", "ky", "Кыргыз делегациясы Душанбедеги суу конференциясына катышты",
     "Кыргызстандын делегациясы Душанбеде өтүп жаткан эл аралык суу конференциясына катышты."),
    (3, "unrcca", "en", "UNRCCA at the Dushanbe Water Conference",
     "UNRCCA took part in the High-Level International Conference on water in Dushanbe."),
    # a meeting of two held there is its own event
    (4, "tengrinews", "kk", "Қазақстан мен Тәжікстан министрлері кездесті",
     "Душанбеде Қазақстан мен Тәжікстан сыртқы істер министрлері кездесіп, су мәселесін талқылады."),
]  # fmt: skip


@pytest.mark.parametrize(
    "order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 4, 0, 3, 1), (3, 0, 4, 1, 2)]
)
def test_each_delegations_report_of_an_international_conference_is_one_story(tmp_path, order):
    when = datetime(2026, 6, 10, 5, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, [_WATER_CONFERENCE[n] for n in order], registry=True)
    assert len({story[h] for h in (0, 1, 2, 3)}) == 1, story
    assert story[4] != story[0], story


def test_an_international_gathering_is_hosted_where_it_is_held_and_named():
    assert hosted("UNRCCA at the Dushanbe Water Conference\nUNRCCA took part.") == "TJ conference"
    assert hosted("Astana xalqaro forumi\nForum ochildi.") == "KZ forum"
    # a press conference, a visit's business forum, a meeting on a forum's sidelines: none
    assert hosted("Пресс-конференция в Ташкенте\nМинистр ответил на вопросы.") is None
    assert hosted("Президент выступил на бизнес-форуме в Риме\nТокаев выступил.") is None
    assert hosted("Встреча на полях форума в Астане\nМинистры встретились.") is None


def test_a_formats_meeting_and_a_meeting_of_the_five_without_its_partner_are_two():
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    c5 = features("C5+1 ministers met in New York.", countries=(*five, "US"))
    c5.update(title="C5+1 in New York", lead="C5+1 ministers met in New York.")
    side = features("Ministers discussed glaciers.", countries=five,
                    when=WHEN + timedelta(hours=10))  # fmt: skip
    side.update(title="Central Asian Foreign Ministers Discuss Glaciers and Water",
                lead="The five ministers discussed glaciers at the UN.")  # fmt: skip
    decision = same_story(c5, side)
    assert not decision.same and "format" in decision.reason, decision
    # a guest's own report of a summit of the five: one gathering, as before
    guest = features("Ministers met in Ashgabat.", countries=(*five, "AZ"))
    guest.update(title="Azerbaijan joins the Consultative Meeting", lead="Ministers met.")
    summit_ = features("Ministers met in Ashgabat.", countries=five,
                       when=WHEN + timedelta(hours=2))  # fmt: skip
    summit_.update(title="Leaders of the five meet", lead="Leaders met.")
    assert same_story(guest, summit_).same


def test_the_same_guest_in_two_capitals_is_two_visits_whatever_names_they_share():
    astana = features(
        "Канцлер Фридрих Мерц и Президент Касым-Жомарт Токаев провели переговоры, 12 соглашений.",
        countries=("DE", "KZ"),
    )
    astana.update(title="Мерц в Астане", lead="Федеральный канцлер Фридрих Мерц прибыл в Астану.")
    tashkent = features("Канцлер Фридрих Мерц и Шавкат Мирзиёев провели переговоры, 12 соглашений.",
                        countries=("DE", "UZ", "KZ"), when=WHEN + timedelta(hours=20))  # fmt: skip
    tashkent.update(title="Германия канцлері Ташкентте",
                    lead="Фридрих Мерц Ташкентте Шавкат Мирзиёевпен келіссөз жүргізді.")  # fmt: skip
    decision = same_story(astana, tashkent)
    assert not decision.same and "places" in decision.reason, decision
    # the same names, one capital: one visit
    tashkent["lead"] = tashkent["lead"].replace("Ташкентте", "Астанада")
    tashkent["title"] = tashkent["title"].replace("Ташкентте", "Астанада")
    assert same_story(astana, tashkent).same


def test_a_report_recalling_the_day_of_the_same_parties_report_is_one_event():
    signing = _announcing(
        "Подписание Соглашения о режиме государственной границы",
        "Президенты Кыргызстана и Таджикистана подписали в Баткене соглашение о границе.",
        when=datetime(2025, 9, 19, 8, tzinfo=UTC),  # a Friday
        countries=("KG", "TJ"),
        head=True,
        event="agreement",
    )
    analysis = _announcing(
        "Analysis: after the border regime deal, can Isfara and Batken trade again?",
        "Friday's agreement on the border regime is a relief for Batken, analysts say.",
        when=datetime(2025, 9, 20, 5, tzinfo=UTC),
        countries=("KG", "TJ"),
        event="agreement",
    )
    decision = same_story(signing, analysis)
    assert decision.same and decision.reason.startswith("recalled"), decision
    # two days on, past the 30 hours within which the facts are weighed first
    later = dict(analysis, published=datetime(2025, 9, 21, 0, tzinfo=UTC))
    assert same_story(signing, later).reason.startswith("recalled")
    # another day named, or a call that day: no
    other_day = dict(analysis, lead="Thursday's talks on the border went on for hours.")
    assert not same_story(signing, other_day).same
    call = dict(analysis, event_type="phone_call")
    assert not same_story(signing, call).same


def test_the_days_back_a_text_names():
    friday = datetime(2025, 9, 20, 5, tzinfo=UTC)  # a Saturday in the region
    assert days_back("Friday's agreement", friday) == (date(2025, 9, 19),)
    assert days_back("Вчера в Душанбе подписали", friday) == (date(2025, 9, 19),)
    assert days_back("Prezidentlar kecha uchrashdi", friday) == (date(2025, 9, 19),)
    # Dushanbe is no Monday; today is no day back
    assert days_back("Саммит в Душанбе", friday) == ()
    assert days_back("В субботу в Астане", friday) == ()


@pytest.mark.parametrize(
    "title",
    [
        "В Душанбе собрались главы МИД СНГ",
        "OTS CFM in Baku",
        "SCO foreign ministers meet",
        # its ministerial by the Russian words for a sitting, not only a meeting
        "Министерское заседание ШОС прошло в Астане",
        "Министерское совещание СНГ",
    ],
)
def test_an_organisations_foreign_ministers_in_a_headline_are_its_council(title):
    assert council(title) and summit(title)
    assert not council("Министр иностранных дел Казахстана встретился с коллегой")


def test_an_offices_abbreviation_is_no_organisation():
    assert acronyms("Azerbaijani FM: Middle Corridor is strategic priority") == frozenset()
    assert acronyms("OTS Council of Foreign Ministers") == {"OTS"}
    assert acronyms("Глава МИД встретился с делегацией МККК") == {"МККК"}


@pytest.mark.parametrize(
    "title",
    [
        "Глава МИД Казахстана встретился с Генеральным секретарем ОДКБ",
        "Министр иностранных дел Кыргызстана принял Генсекретаря ОДКБ",
        "Казахстан — лидер ЕАЭС по росту экономики",
        "Лидерство Казахстана в ОТГ",
        "SCO youth leaders meet in Almaty",
    ],
)
def test_one_minister_or_a_leadership_naming_an_organisation_is_no_summit(title):
    assert not summit(title) and not council(title)


def test_the_days_back_are_not_the_environment_nor_the_eve_of_a_visit():
    saturday = datetime(2025, 9, 20, 5, tzinfo=UTC)
    assert days_back("Министры обсудили охрану окружающей среды", saturday) == ()
    assert days_back("Накануне визита Президента Узбекистана", saturday) == ()
    assert days_back("Ishchilar kecha-kunduz ishladi", saturday) == ()
    assert days_back("Саммит, прошедший накануне в Бишкеке", saturday) == (date(2025, 9, 19),)


def test_two_states_defence_ministers_abroad_are_not_their_foreign_ministers_meeting():
    foreign = features("Министры иностранных дел встретились в Москве.", countries=("KZ", "KG"))
    foreign.update(title="Встреча в Москве",
                   lead="Министры иностранных дел Казахстана и Кыргызстана встретились в Москве.")  # fmt: skip
    defence = features("Министры обороны встретились в Москве.", countries=("KZ", "KG"),
                       when=WHEN + timedelta(hours=4))  # fmt: skip
    defence.update(title="Министры обороны встретились в Москве",
                   lead="Министры обороны Казахстана и Кыргызстана встретились в Москве.")  # fmt: skip
    assert not same_story(foreign, defence).same


def test_a_conference_and_a_forum_in_one_capital_are_two_gatherings():
    assert hosted("Международная конференция в Астане\nВ Астане открылась конференция.") == (
        "KZ conference"
    )
    assert hosted("Astana International Forum opens\nThe forum opened.") == "KZ forum"
    assert hosted("US Congressman visits Astana\nA US Congressman arrived in Astana.") is None


def test_a_format_of_the_five_and_its_partner_in_the_partners_capital_is_one_gathering():
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    dialogue = features("Диалог прошел в Токио.", countries=(*five, "JP"))
    dialogue.update(title="Диалог «Центральная Азия + Япония» прошел в Токио",
                    lead="Министры встретились в Токио.")  # fmt: skip
    ministers = features("Главы МИД собрались в Токио.", countries=five,
                         when=WHEN + timedelta(hours=2))  # fmt: skip
    ministers.update(title="Главы МИД стран Центральной Азии собрались в Токио",
                     lead="Главы МИД стран Центральной Азии собрались в Токио.")  # fmt: skip
    assert same_story(dialogue, ministers).same


def test_a_vice_chancellors_visit_is_no_head_of_governments():
    assert not state_visit("Вице-канцлер Германии прибыл в Казахстан с официальным визитом")
    assert state_visit("Федеральный канцлер Германии прибыл в Казахстан с официальным визитом")


def test_a_datelined_report_gives_the_same_stories_in_either_order(tmp_path):
    when = datetime(2026, 9, 16, 6, tzinfo=UTC)
    # the other capital named near the end of the opening read after the dateline: a
    # stored report must be read to the same length as when it arrived
    first = (
        "Министры иностранных дел Узбекистана и Казахстана Бахтиёр Саидов и Мурат "
        "Нуртлеу провели переговоры. "
    )
    lead = (first + "Стороны обсудили торговлю и транспорт. " * 8)[:280] + " в Астане."
    uza = (
        0,
        "uza",
        "ru",
        "Саидов и Нуртлеу обсудили сотрудничество",
        "ТАШКЕНТ, 16 сентября. " + lead,
    )
    kaz = (1, "kazinform", "en", "Nurtleu and Saidov hold talks in Tashkent",
           ("The foreign ministers of Kazakhstan and Uzbekistan, Murat Nurtleu and Bakhtiyor "
            "Saidov, held talks in Tashkent."))  # fmt: skip
    one = _stories(tmp_path / "a.db", when, [uza, kaz], registry=True)
    other = _stories(tmp_path / "b.db", when, [kaz, uza], registry=True)
    assert (one[0] == one[1]) == (other[0] == other[1]), (one, other)


@pytest.mark.parametrize(
    "title",
    [
        "В Чолпон-Ату прибывают главы государств Организации тюркских государств",
        "Заседание Высшего Евразийского экономического совета",
        "Минскіде Жоғары Еуразиялық экономикалық кеңестің отырысы өтті",
    ],
)
def test_an_organisations_heads_of_state_or_the_eaeus_supreme_council_are_its_summit(title):
    assert summit(title)
    assert not summit("Главы государств Казахстана и Узбекистана провели переговоры")


def test_a_heads_reception_of_a_minister_told_under_the_ministers_name_is_the_heads():
    assert head_first(
        "Асосгузори сулҳу ваҳдати миллӣ – Пешвои миллат, Президенти Ҷумҳурии Тоҷикистон "
        "Эмомалӣ Раҳмон Вазири корҳои хориҷии Туркманистонро ба ҳузур пазируфтанд."
    )
    # the presidents named as background, the ministers acting: the ministers'
    assert not head_first(
        "Sixteen months after the presidents met in Khujand, their foreign ministers agreed "
        "to meet annually."
    )


def test_a_ministers_speech_and_his_meeting_the_next_day_in_new_york_are_two():
    speech = features(
        "Заместитель Председателя Кабинета Министров Рашид Мередов выступил на мероприятии "
        "высокого уровня по ледникам в Нью-Йорке в рамках 80-й сессии Генассамблеи.",
        countries=("TM",),
    )
    meeting = features(
        "Глава ведомства Рашид Мередов и турецкий коллега Хакан Фидан провели переговоры "
        "в Нью-Йорке на полях 80-й сессии, обсудив транзит и энергетику.",
        countries=("TM", "TR"),
        when=WHEN + timedelta(hours=28),
    )
    decision = same_story(speech, meeting)
    assert not decision.same, decision
    # the same hours: one event, as before (three facts: the name, the city, the session)
    meeting["published"] = WHEN + timedelta(hours=3)
    assert same_story(speech, meeting).same


_VISIT_AND_ITS_SECOND_DAY = [
    (0, "kazinform", "ru", "Президент Турции прибыл в Астану с государственным визитом",
     "Президент Турции Реджеп Тайип Эрдоган прибыл в Астану с государственным визитом."),
    (3, "akorda_tg", "ru", "Токаев и Эрдоган провели переговоры",
     "Президенты Казахстана и Турции провели переговоры в Акорде."),
    (4, "kt_kz", "ru", "Казахстан и Турция подписали документы",
     "Президенты Казахстана и Турции подписали пакет документов."),
    (24, "trend", "ru", "Эрдоган продолжает государственный визит в Казахстан",
     "Президент Турции Реджеп Тайип Эрдоган продолжает государственный визит в Казахстан."),
    # the next day, the president's channel: a ceremony with the guest unnamed
    (26, "akorda_tg", "ru", "Главы государств посетили мавзолей Ходжи Ахмеда Яссауи",
     "В Туркестане главы государств посетили мавзолей. Высокому гостю рассказали об истории."),
]  # fmt: skip


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (1, 4, 0, 3, 2)])
def test_a_visits_ceremony_on_its_second_day_joins_the_visit(tmp_path, order):
    when = datetime(2026, 5, 20, 4, tzinfo=UTC)
    reports = [_VISIT_AND_ITS_SECOND_DAY[n] for n in order]
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert len(set(story.values())) == 1, story


def test_two_heads_meeting_told_with_and_without_the_sidelines_is_one_meeting():
    plain = features("Садыр Жапаров Режеп Тайип Эрдоган менен жолугушту.", countries=("KG", "TR"))
    plain.update(head=True, summit=False, sidelines=False)
    sidelines = features("Japarov and Erdogan met on the sidelines.", countries=("KG", "TR"),
                         language="en", when=WHEN + timedelta(minutes=25))  # fmt: skip
    sidelines.update(head=True, summit=True, sidelines=True)
    assert same_story(plain, sidelines).same
    # the summit's own report and a meeting on its sidelines: two, as before
    speech = dict(plain, summit=True)
    assert not same_story(speech, sidelines).same


def test_ministers_preparing_a_meeting_at_the_highest_level_are_no_heads_of_state():
    assert not head_of_state("Главы МИД обсудили подготовку к встрече на высшем уровне")
    assert head_of_state("Состоялись переговоры на высшем уровне")


@pytest.mark.parametrize(
    "lead",
    [
        # the head of state as the framing, or as background, or taking part
        (
            "По поручению Президента Казахстана Касым-Жомарта Токаева министр иностранных дел "
            "Ермек Кошербаев принял посла Японии."
        ),
        "Sixteen months after the presidents met, their foreign ministers received the plan.",
        "Президент Казахстана принял участие в саммите.",
    ],
)
def test_a_head_of_state_in_a_ministers_lead_is_not_always_his_reception(lead):
    assert not head_first(lead)
    assert head_first("Президент Таджикистана Эмомали Рахмон принял министра иностранных дел.")


def test_congratulations_to_an_organisations_heads_of_state_are_no_summit():
    assert not summit("Садыр Жапаров поздравил глав государств СНГ с Новым годом")
    # the dotted capital I of Azerbaijani and Turkish is matched in capitals too
    assert summit("İlham Əliyev Qeyri-formal SAMMİTİNDƏ çıxış edib")


def test_a_welcome_before_a_visit_began_is_no_sign_of_it(tmp_path):
    when = datetime(2026, 5, 20, 4, tzinfo=UTC)
    reports = [
        (0, "akorda_tg", "ru", "Церемония официальной встречи в Акорде",
         "В Акорде состоялась церемония официальной встречи высокого гостя."),
        (20, "kazinform", "ru", "Президент Турции прибыл в Казахстан с государственным визитом",
         "Президент Турции прибыл в Астану с государственным визитом."),
        (22, "trend", "ru", "Эрдоган начал государственный визит в Казахстан",
         "Президент Турции Реджеп Тайип Эрдоган начал государственный визит в Казахстан."),
        (24, "kt_kz", "ru", "Токаев и Эрдоган провели переговоры",
         "Президенты Казахстана и Турции провели переговоры."),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] != story[20], story


def test_the_ministers_council_and_the_heads_summit_the_next_day_are_two_gatherings():
    # the five's foreign ministers meet in Cholpon-Ata the day before their heads of state
    five = ("KZ", "KG", "TJ", "TM", "UZ")

    def report(title, text, hours, language="ru", **cues):
        found = _titled(title, text, countries=five, language=language)
        found.update(
            title=title,
            published=WHEN + timedelta(hours=hours),
            council=council(title),
            sidelines=sidelines(title),
            **cues,
        )
        return found

    council_ = report(
        "Состоялось заседание Совета министров иностранных дел государств Центральной Азии",
        "В Чолпон-Ате состоялось заседание Совета министров иностранных дел государств "
        "Центральной Азии. Министры согласовали проекты документов для глав государств.",
        0,
    )
    ahead = report(
        "Central Asian foreign ministers meet in Cholpon-Ata ahead of summit",
        "Foreign ministers of Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan "
        "met in Cholpon-Ata on the eve of the Consultative Meeting of the Heads of State.",
        3,
        language="en",
    )
    summit_ = report(
        "Чолпон-Атада Консультативдик жолугушуу башталды",
        "Чолпон-Атада Борбордук Азия мамлекет башчыларынын Консультативдик жолугушуусу "
        "башталды. Жолугушууну Президент Садыр Жапаров ачты.",
        20,
        language="ky",
    )
    arrival = report(
        "Прибытие в Чолпон-Ату",
        "Глава государства прибыл в Чолпон-Ату для участия в Консультативной встрече глав "
        "государств Центральной Азии.",
        18,
        head=True,  # (the president's channel: his voice)
    )
    assert council_["council"] and ahead["sidelines"] and summit_["summit"]
    for ministers in (council_, ahead):
        for heads in (summit_, arrival):
            decision = same_story(ministers, heads)
            assert not decision.same, (ministers["title"], heads["title"], decision)
    assert same_story(council_, ahead).same


def test_a_sites_release_numbers_tell_its_language_versions_from_its_other_releases():
    # a ministry site dated to the day: the conference's release and the ministers' meeting
    # there, one day, the same two parties, numbered apart
    def page(url, title, text, language, hours=0):
        found = _titled(title, text, countries=("TM", "AF"), language=language)
        found.update(
            source="mfa_tm",
            canonical_url=canonical_url(url),
            precision="day",
            published=WHEN + timedelta(hours=hours),
        )
        return found

    conference_ru = page(
        "https://www.mfa.gov.tm/ru/news/5876",
        "Международная конференция «Афганистан: региональная взаимосвязанность»",
        "В Ашхабаде открылась международная конференция по Афганистану.",
        "ru",
    )
    conference_tk = page(
        "https://www.mfa.gov.tm/tk/news/5876",
        "«Owganystan: sebitleýin özara baglanyşyk» halkara maslahaty",
        "Aşgabatda Owganystan boýunça halkara maslahat açyldy.",
        "tk",
    )
    meeting_en = page(
        "https://www.mfa.gov.tm/en/news/5877",
        "Meeting of the Foreign Ministers of Turkmenistan and Afghanistan",
        "The Foreign Ministers of Turkmenistan and Afghanistan met in Ashgabat.",
        "en",
    )
    assert not same_story(conference_tk, meeting_en).same
    assert not same_story(conference_ru, meeting_en).same
    decision = same_story(conference_ru, conference_tk)
    assert decision.same and "release number" in decision.reason
    # one number is one release whenever its versions came out, on a page with times too
    conference_tk.update(precision=None, published=WHEN + timedelta(hours=9))
    assert same_story(conference_ru, conference_tk).same
    # a site numbering each language's page apart: the addresses say nothing either way
    meeting_en["canonical_url"] = "https://mfa.gov.tm/en/news/meeting-of-the-foreign-ministers"
    assert same_story(conference_ru, meeting_en).reason.startswith("one source's language versions")


def _opened(title, text, **kwargs):
    """:func:`_titled` with its headline and opening, which the place rules read."""
    found = _titled(title, text, **kwargs)
    found.update(title=title, lead=text)
    return found


def test_one_templates_text_in_two_capitals_or_of_two_gatherings_is_no_copy():
    template = (
        "Федеральный президент Германии Франк-Вальтер Штайнмайер прибыл в {city} с "
        "государственным визитом по приглашению президента. В аэропорту высокого гостя "
        "встретили официальные лица. В ходе визита планируется обсудить торгово-экономическое "
        "сотрудничество, энергетику, транспорт и логистику, образование и культуру."
    )
    astana = _opened(
        "Президент Германии прибыл в Астану",
        template.format(city="Астану")
        + " После Казахстана Президент Германии посетит Узбекистан. Стороны подпишут "
        "соглашения о сырьевом партнерстве и о водороде, а бизнес-форум соберет сто компаний.",
        countries=("DE", "KZ", "UZ"),
    )
    tashkent = _opened(
        "Федеральный президент Германии прибыл в Ташкент",
        template.format(city="Ташкент")
        + " Визит продлится два дня. Лидеры обсудят миграцию специалистов и учебу студентов "
        "в немецких вузах, а также откроют новое здание Гёте-института в столице.",
        countries=("DE", "UZ"),
        when=WHEN + timedelta(hours=25),
    )
    containment, _ = similarity(astana["shingles"], tashkent["shingles"])
    assert CONTAINMENT <= containment < 0.6  # a copy by its words alone
    assert not same_story(astana, tashkent).same
    # a reprint of the Astana report is a copy
    reprint = _opened(
        "Штайнмайер прибыл в Астану",
        template.format(city="Астану"),
        countries=("DE", "KZ"),
        when=WHEN + timedelta(hours=1),
    )
    assert same_story(astana, reprint).reason.startswith("copy")
    # the five ministers' council and two of them meeting there, told in one template
    said = (
        "В Чолпон-Ате министры иностранных дел обсудили водно-энергетическое сотрудничество, "
        "транспортные коридоры и торговлю в регионе, а также подготовку документов к "
        "Консультативной встрече глав государств."
    )
    council_ = _opened(
        "СМИД Центральной Азии",
        said + " Заседание прошло под председательством кыргызской стороны, приняты решения "
        "о координации позиций в международных организациях и о плане на следующий год.",
        countries=("KZ", "KG", "TJ", "TM", "UZ"),
    )
    two = _opened(
        "Встреча министров иностранных дел Таджикистана и Узбекистана",
        said + " Министры Сироджиддин Мухриддин и Бахтиёр Саидов также условились о визите "
        "делегации в Душанбе осенью и о заседании межправительственной комиссии.",
        countries=("TJ", "UZ"),
        when=WHEN + timedelta(hours=1),
    )
    two["two"] = True  # (its headline names the two states)
    containment, _ = similarity(council_["shingles"], two["shingles"])
    assert CONTAINMENT <= containment < 0.6
    assert not same_story(council_, two).same
    # a shortened reprint under a headline naming neither, whose lead names two of them,
    # is the council's copy
    from storage.stories import _title_cues

    reprint = _opened(
        "Итоги СМИД в Чолпон-Ате",
        two["lead"],
        countries=("TJ", "UZ"),
        when=WHEN + timedelta(hours=1),
    )
    reprint["two"] = _title_cues(reprint["title"]).two
    assert not reprint["two"]
    assert same_story(council_, reprint).reason.startswith("copy")


def test_one_channels_two_languages_hours_apart_are_one_post_only_with_a_fact_in_common():
    signed = _titled(
        "Termez",
        "The agreement on the Trans-Afghan Railway has been signed in Termez.",
        countries=("UZ", "AF"),
        language="en",
        event="agreement",
    )
    met = _titled(
        "Встреча в Термезе",
        "Министр провел встречу с исполняющим обязанности министра иностранных дел "
        "Афганистана. Обсуждены вопросы торговли.",
        countries=("UZ", "AF"),
        event="meeting",
        when=WHEN + timedelta(hours=2, minutes=20),
    )
    signed["source"] = met["source"] = "uzbekmfa"
    assert not same_story(signed, met).same
    # the same act in the other language, a name in common, is the channel's version
    named = _titled(
        "Термез",
        "Саидов и Муттаки подписали в Термезе соглашение о Трансафганской железной дороге.",
        countries=("UZ", "AF"),
        event="agreement",
        when=WHEN + timedelta(hours=2),
    )
    named["source"] = "uzbekmfa"
    assert same_story(signed, named).same


def test_the_head_of_state_receiving_the_commissions_co_chair_is_his_own_event():
    session = _opened(
        "Ҷаласаи навбатии Комиссияи байниҳукуматӣ",
        "Дар Душанбе ҷаласаи навбатии Комиссияи байниҳукуматии Тоҷикистону Ӯзбекистон бо "
        "раёсати Давлатали Саид ва Отабек Нурматов баргузор шуд. Дар ҷаласа Шавкат Мирзиёев "
        "ва Эмомалӣ Раҳмон ёдовар шуданд.",
        countries=("TJ", "UZ"),
        language="tg",
    )
    session["commission"] = commission(session["title"])
    reception = _opened(
        "Рахмон принял вице-премьера Узбекистана",
        "Президент Эмомали Рахмон принял вице-премьера Узбекистана Отабека Нурматова, "
        "находящегося в Душанбе на заседании межправкомиссии. На встрече присутствовал "
        "первый вице-премьер Давлатали Саид, передан привет от Шавката Мирзиёева.",
        countries=("TJ", "UZ"),
        when=WHEN + timedelta(hours=4),
    )
    assert session["commission"] and reception["head"]
    assert not same_story(session, reception).same
    # an analysis recalling the presidents' treaty in its opening is no reception
    analysis = _opened(
        "From Treaty to Markers: Tajik-Uzbek Work Moves to the Ground",
        "A year after Presidents Emomali Rahmon and Shavkat Mirziyoyev signed the treaty, the "
        "intergovernmental commission chaired by Otabek Nurmatov met in Dushanbe.",
        countries=("TJ", "UZ"),
        language="en",
        when=WHEN + timedelta(hours=20),
    )
    analysis["head"] = True  # (its opening names the presidents)
    assert same_story(session, analysis).same  # (its names and parties: the session's)


def test_an_organisations_gathering_and_one_with_a_state_outside_it_are_two():
    five = ("KZ", "KG", "TJ", "TM", "UZ")
    deputies = _opened(
        "Meeting of Deputy Foreign Ministers held in Ashgabat",
        "The UN Regional Centre for Preventive Diplomacy held a meeting of Deputy Foreign "
        "Ministers of Central Asian states in Ashgabat.",
        countries=five,
        language="en",
    )
    ots = _opened(
        "Gabala hosts OTS foreign ministers",
        "A meeting of the OTS Council of Foreign Ministers was held in Gabala with the "
        "ministers of Azerbaijan, Kazakhstan, Kyrgyzstan, Türkiye and Uzbekistan.",
        countries=("KZ", "KG", "TM", "UZ"),
        language="en",
        when=WHEN + timedelta(hours=20),
    )
    ots.update(summit=True, members=("AZ", "HU", "KG", "KZ", "TM", "TR", "UZ"))
    assert not same_story(deputies, ots).same
    # its members' own reports of it are one gathering
    kyrgyz = _opened(
        "Kulubaev attends OTS foreign ministers' meeting in Gabala",
        "Kyrgyz Foreign Minister Zheenbek Kulubaev took part in the meeting of the OTS Council "
        "of Foreign Ministers in Gabala with Kazakhstan, Turkmenistan and Uzbekistan.",
        countries=("KG", "KZ", "TM", "UZ"),
        language="en",
        when=WHEN + timedelta(hours=21),
    )
    kyrgyz.update(summit=True, members=ots["members"])
    assert same_story(ots, kyrgyz).same


def test_delegations_reports_of_a_conference_on_a_third_state_in_its_hosts_city_are_one():
    # each names its own state and the conference's topic, not the host
    kazakh = _opened(
        "Казахстан предложил в Ашхабаде ускорить строительство дороги",
        "Казахстанская делегация на международной конференции по Афганистану в Ашхабаде "
        "предложила ускорить строительство железной дороги Тургунди – Герат.",
        countries=("KZ", "AF"),
    )
    kyrgyz = _opened(
        "Kyrgyz delegation attends Afghanistan conference in Ashgabat",
        "A Kyrgyz delegation took part in the international conference on Afghanistan in "
        "Ashgabat and spoke of the CASA-1000 power line.",
        countries=("KG", "AF"),
        language="en",
        when=WHEN + timedelta(hours=3),
    )
    assert same_story(kazakh, kyrgyz).reason == "one international gathering in its host's city"
    # a conference elsewhere is another
    kyrgyz["lead"] = kyrgyz["lead"].replace("Ashgabat", "Tashkent")
    kyrgyz["title"] = kyrgyz["title"].replace("Ashgabat", "Tashkent")
    assert not same_story(kazakh, kyrgyz).same


def test_a_heads_arrival_telling_his_state_visit_in_its_first_sentence_takes_the_visits_days(
    tmp_path,
):
    when = datetime(2025, 8, 19, 12, 40, tzinfo=UTC)
    reports = [
        (
            0,
            "uza",
            "ru",
            "Федеральный президент Германии прибыл в Ташкент",
            (
                "Федеральный президент Германии Франк-Вальтер Штайнмайер прибыл в Ташкент с "
                "государственным визитом. В аэропорту его встретил Президент Шавкат Мирзиёев."
            ),
        ),
        (
            15.5,
            "gazeta_uz",
            "ru",
            "Узбекистан и Германия подписали документы о миграции и энергетике",
            (
                "В Ташкенте подписаны соглашения о трудовой миграции специалистов и о "
                "сотрудничестве в области зеленой энергетики."
            ),
        ),
    ]
    stories = _stories(tmp_path / "visit.db", when, reports, registry=True)
    assert stories[0] == stories[15.5]
    # the same arrival told without the visit is two reports of the two states' days
    plain = [(h, s, lang, title, body.replace(" с государственным визитом", ""))
             for h, s, lang, title, body in reports]  # fmt: skip
    stories = _stories(tmp_path / "plain.db", when, plain, registry=True)
    assert stories[0] != stories[15.5]


def test_each_founders_report_of_the_aral_sea_funds_summit_is_one_story(tmp_path):
    # the International Fund for Saving the Aral Sea: the five are its founders, each
    # state's report names its own leader
    when = datetime(2025, 1, 24, 5, tzinfo=UTC)
    reports = [
        (0, "khovar", "tg", "Саммити сарони давлатҳои муассиси Хазинаи байналмилалии наҷоти Арал",
         ("Дар Душанбе саммити сарони давлатҳои муассиси Хазинаи байналмилалии наҷоти Арал "
          "баргузор шуд. Пешвои миллат Эмомалӣ Раҳмон ҷаласаро ифтитоҳ карданд.")),
        (1.5, "kabar", "ky", "Садыр Жапаров Аралды куткаруу эл аралык фондунун саммитинде сөз сүйлөдү",
         ("Президент Садыр Жапаров Душанбеде Аралды куткаруу эл аралык фондун негиздөөчү "
          "мамлекеттердин башчыларынын саммитинде сөз сүйлөдү.")),
        (2, "uza", "en", "President Shavkat Mirziyoyev addresses IFAS summit in Dushanbe",
         ("President Shavkat Mirziyoyev spoke at the summit of the heads of the founding states "
          "of the International Fund for Saving the Aral Sea in Dushanbe.")),
    ]  # fmt: skip
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] == story[1.5] == story[2]


def test_one_sources_reception_by_the_president_and_the_ministers_signing_hours_apart_are_two():
    reception = _titled(
        "Президент страны принял министра иностранных дел Узбекистана",
        "Президент Эмомали Рахмон принял министра иностранных дел Узбекистана Бахтиёра "
        "Саидова. Обсуждены вопросы торговли и водного хозяйства.",
        countries=("TJ", "UZ"),
    )
    signing = _titled(
        "Имзои Барномаи ҳамкорӣ",
        "Вазирони корҳои хориҷии Тоҷикистон ва Ӯзбекистон Сироҷиддин Муҳриддин ва Бахтиёр "
        "Саидов Барномаи ҳамкориро имзо карданд.",
        countries=("TJ", "UZ"),
        language="tg",
        event="agreement",
        when=WHEN + timedelta(hours=1, minutes=40),
    )
    reception["source"] = signing["source"] = "khovar"
    assert reception["head"] and not signing["head"]
    assert not same_story(reception, signing).same


def test_a_channels_one_line_naming_the_city_is_the_talks_held_there_that_day():
    channel = _opened(
        "Ashgabatda muzokaralar",
        "Ashgabatda muzokaralar boʻlib oʻtdi.",
        countries=("TM", "UZ"),
        language="uz",
    )
    channel["source"] = "uzbekmfa"
    release = _opened(
        "Состоялись переговоры министров иностранных дел Туркменистана и Узбекистана",
        "В Ашхабаде состоялись переговоры Рашида Мередова и Бахтиёра Саидова. Обсуждены "
        "вопросы транспорта и энергетики.",
        countries=("TM", "UZ"),
        when=WHEN + timedelta(hours=3),
    )
    assert not channel["names"] and release["names"]
    decision = same_story(channel, release)
    assert decision.same and decision.reason == "a channel's line naming only the city they met in"
    # the talks in the other capital are others
    tashkent = _opened(
        "Toshkentda muzokaralar",
        "Toshkentda muzokaralar boʻlib oʻtdi.",
        countries=("TM", "UZ"),
        language="uz",
    )
    tashkent["source"] = "uzbekmfa"
    assert not same_story(tashkent, release).same


def test_a_surname_after_an_initial_is_a_name():
    # the Turkmen and Russian official style: "R.Meredow", "Ж.Кулубаев"
    turkmen = names("ministri R.Meredow Gyrgyz ministri Ž.Kulubaýew bilen", known=True)
    russian = names("министр Рашид Мередов и министр Жээнбек Кулубаев", known=True)
    assert {"mrdv", "klbv"} <= turkmen & russian
    # a dot closing an abbreviation of two letters or more is no initial
    assert not names("the U.S.Administration said", known=True)
    assert not names("the site kun.Bayonot said", known=True)
    assert names("the site kun Bayonot said", known=True)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_presidents_one_line_on_the_summit_joins_the_one_summit_of_that_day(tmp_path, reverse):
    when = datetime(2025, 11, 20, 5, tzinfo=UTC)
    summit_reports = [
        (0, "kazinform", "en", "Central Asia – Germany summit opens in Astana",
         ("The Central Asia – Germany summit opened in Astana with the leaders of Kazakhstan, "
          "Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and Chancellor Friedrich Merz.")),
        (1, "uza", "uz", "Prezident «Markaziy Osiyo – Germaniya» sammitida nutq soʻzladi",
         ("Prezident Shavkat Mirziyoyev Astanada «Markaziy Osiyo – Germaniya» sammitida "
          "Qozogʻiston, Qirgʻiziston, Tojikiston va Turkmaniston rahbarlari bilan ishtirok etdi.")),
        (2, "kabar", "ru", "Жапаров выступил на саммите «Центральная Азия – Германия»",
         ("Президент Садыр Жапаров выступил в Астане на саммите «Центральная Азия – Германия» "
          "вместе с лидерами Казахстана, Таджикистана, Туркменистана и Узбекистана.")),
    ]  # fmt: skip
    line = (1.5, "akorda_tg", "kk", "Президент саммитте сөз сөйледі",
            "Мемлекет басшысы саммитте сөз сөйлеп, шикізат бойынша бастамалар ұсынды.")  # fmt: skip
    reports = [*summit_reports, line]
    if reverse:
        reports.reverse()
    story = _stories(tmp_path / "one.db", when, reports, registry=True)
    assert story[0] == story[1] == story[2] == story[1.5]
    # two summits of Kazakhstan that day: the line says not which
    other = [
        (3, "trend", "en", "Central Asia – China summit held in Xi'an",
         ("The Central Asia – China summit was held in Xi'an with the leaders of Kazakhstan, "
          "Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and Xi Jinping.")),
        (4, "kun_uz", "ru", "В Сиане прошел саммит «Центральная Азия – Китай»",
         ("В Сиане прошел саммит «Центральная Азия – Китай» с участием лидеров Казахстана, "
          "Кыргызстана, Таджикистана, Туркменистана, Узбекистана и Си Цзиньпина.")),
    ]  # fmt: skip
    story = _stories(tmp_path / "two.db", when, [*reports, *other], registry=True)
    assert story[1.5] not in (story[0], story[3])


def test_ministers_preparing_contacts_at_the_highest_level_are_ministers():
    assert not head_of_state("Саидов и Лавров обсудили подготовку к контактам на высшем уровне")
    assert head_of_state("Переговоры на высшем уровне")


def test_a_full_report_naming_nobody_is_no_channels_line():
    # the water agencies' talks told at length, naming nobody, are not the ministers'
    line = _opened(
        "Казахстан и Узбекистан провели переговоры по водным ресурсам",
        "В Ташкенте состоялись переговоры делегаций водохозяйственных ведомств Казахстана и "
        "Узбекистана. Стороны обсудили лимиты водозабора на вегетационный период, "
        "совместную эксплуатацию водохозяйственных объектов и обмен гидрологическими "
        "данными, а также график заседаний рабочей группы на следующий год.",
        countries=("KZ", "UZ"),
    )
    ministers = _opened(
        "Министры иностранных дел Казахстана и Узбекистана провели переговоры в Ташкенте",
        "Ермек Кошербаев и Бахтиёр Саидов провели переговоры в Ташкенте.",
        countries=("KZ", "UZ"),
        when=WHEN + timedelta(hours=3),
    )
    assert len(line["lead"]) > 250
    assert not same_story(line, ministers).same


def test_a_visit_being_prepared_is_no_state_visit_told_in_a_first_sentence(tmp_path):
    when = datetime(2025, 8, 19, 8, tzinfo=UTC)
    reports = [
        (0, "uza", "ru", "Шавкат Мирзиёев принял министра иностранных дел Германии",
         ("Президент Шавкат Мирзиёев принял министра иностранных дел Германии, обсуждена "
          "подготовка предстоящего государственного визита Федерального президента Германии.")),
        (40, "gazeta_uz", "ru", "Узбекистан и Германия подписали соглашение о трудовой миграции",
         "В Берлине подписано соглашение о трудовой миграции специалистов."),
    ]  # fmt: skip
    for order in (reports, reports[::-1]):
        stories = _stories(tmp_path / f"v{len(order)}{order[0][0]}.db", when, order, registry=True)
        assert stories[0] != stories[40]


_KAZAKH_AT_ASHGABAT = (
    0, "kt_kz", "ru", "Казахстан предложил в Ашхабаде ускорить строительство дороги",
    ("Казахстанская делегация на международной конференции по Афганистану в Ашхабаде "
     "предложила ускорить строительство железной дороги Тургунди – Герат."),
)  # fmt: skip
_KYRGYZ_AT_ASHGABAT = (
    2, "akipress", "en", "Kyrgyz delegation attends Afghanistan conference in Ashgabat",
    ("A Kyrgyz delegation took part in the international conference on Afghanistan in "
     "Ashgabat and spoke of the CASA-1000 power line."),
)  # fmt: skip
# (naming one state more: found from the narrower report's side as well)
_KYRGYZ_AND_CHINA_AT_ASHGABAT = (
    2, "timesca", "en", "Kyrgyzstan pitches CASA-1000 at the Ashgabat conference",
    ("A Kyrgyz delegation at the international conference on Afghanistan in Ashgabat "
     "pitched the CASA-1000 power line and a railway to China."),
)  # fmt: skip


@pytest.mark.parametrize("other", [_KYRGYZ_AT_ASHGABAT, _KYRGYZ_AND_CHINA_AT_ASHGABAT])
@pytest.mark.parametrize("reverse", [False, True])
def test_delegations_reports_of_a_conference_on_afghanistan_group_in_any_order(
    tmp_path, other, reverse
):
    # each names its own state and the conference's topic, not the host
    reports = [_KAZAKH_AT_ASHGABAT, other]
    if reverse:
        reports.reverse()
    when = datetime(2025, 12, 17, 5, tzinfo=UTC)
    stories = _stories(tmp_path / "c.db", when, reports, registry=True)
    assert stories[0] == stories[2]


def test_one_sites_release_numbers_are_judged_the_same_from_either_side():
    def page(url, language):
        found = _titled("Переговоры", "Состоялись переговоры.", countries=("TM", "IR"),
                        language=language)  # fmt: skip
        found.update(source="mfa_tm", precision="day", canonical_url=canonical_url(url))
        return found

    a, b = (
        page("https://www.mfa.gov.tm/ru/news/98", "ru"),
        page("https://www.mfa.gov.tm/tk/news/1234", "tk"),
    )
    assert same_story(a, b) == same_story(b, a)


def test_the_head_of_states_reception_of_a_forums_guest_is_not_the_forum():
    forum = _opened(
        "Начал работу Ташкентский международный инвестиционный форум",
        "В Ташкенте открылся международный инвестиционный форум с участием делегаций "
        "Казахстана, Кыргызстана и Таджикистана.",
        countries=("UZ", "KZ"),
        event="conference",
    )
    reception = _opened(
        "Президент принял премьер-министра Казахстана",
        "Президент Шавкат Мирзиёев принял Премьер-министра Казахстана Олжаса Бектенова, "
        "прибывшего для участия в Ташкентском международном инвестиционном форуме.",
        countries=("KZ", "UZ"),
        when=WHEN + timedelta(hours=6),
    )
    assert hosted(f"{forum['title']}\n{forum['lead']}") == "UZ forum"
    assert reception["head"]
    assert not same_story(forum, reception).same


@pytest.mark.parametrize(
    ("other_title", "other_lead", "countries", "hours"),
    [
        # the energy conference's delegation shares a Central Asian party
        ("Узбекистан на конференции по энергетической безопасности в Ашхабаде",
         ("Делегация Узбекистана приняла участие в международной конференции по энергетической "
         "безопасности в Ашхабаде вместе с Казахстаном."), ("UZ", "KZ"), 40),
        # the water conference's names the first one's topic, a day later
        ("Узбекистан на конференции по водным ресурсам в Ашхабаде",
         ("Делегация Узбекистана приняла участие в международной конференции по водным ресурсам "
         "в Ашхабаде, обсуждался канал Кош-Тепа в Афганистане."), ("UZ", "AF"), 30),
    ],
)  # fmt: skip
def test_two_conferences_in_one_capital_on_two_days_are_two(
    other_title, other_lead, countries, hours
):
    afghanistan = _opened(
        "Казахстан на конференции по Афганистану в Ашхабаде",
        "Делегация Казахстана приняла участие в международной конференции по Афганистану в "
        "Ашхабаде.",
        countries=("KZ", "AF"),
    )
    other = _opened(
        other_title, other_lead, countries=countries, when=WHEN + timedelta(hours=hours)
    )
    assert not same_story(afghanistan, other).same


def test_one_templates_arrivals_in_two_capitals_the_same_day_are_no_copy():
    template = (
        "Глава МИД Германии прибыла в {city} с рабочим визитом. В аэропорту ее встретили "
        "официальные лица. В ходе визита планируется обсудить энергетику, транспорт и "
        "логистику, образование и культуру, а также сотрудничество в сфере сырья."
    )
    astana = _opened(
        "Глава МИД Германии прибыла в Астану",
        template.format(city="Астану") + " Министр проведет переговоры с коллегой, посетит "
        "немецко-казахстанский университет и строительство водородного завода на западе "
        "страны, после чего отправится в Узбекистан.",
        countries=("DE", "KZ", "UZ"),
    )
    tashkent = _opened(
        "Глава МИД Германии прибыла в Ташкент",
        template.format(city="Ташкент") + " Визит продлится один день, министр встретится "
        "с главой МИД, выступит в дипломатической академии и откроет выставку немецких "
        "промышленных компаний в новом выставочном центре столицы.",
        countries=("DE", "UZ"),
        when=WHEN + timedelta(hours=8),
    )
    containment, _ = similarity(astana["shingles"], tashkent["shingles"])
    assert CONTAINMENT <= containment < 0.6
    assert not same_story(astana, tashkent).same


def test_a_channels_line_without_its_names_is_read_without_a_crash():
    from storage.dedup import one_line

    line = {"title": "Talks in Dushanbe", "lead": "Talks were held."}
    assert one_line(line) == one_line({**line, "names": set()})


def test_a_lowered_expression_refuses_an_upper_case_literal():
    from storage.dedup import _lowered

    assert _lowered(r"\bвизит\w*").search("государственный визитом")
    with pytest.raises(ValueError, match="upper-case"):
        _lowered(r"State visit")


# Each delegation's report of a summit abroad names its own state and the host (issue #13):
# one story, in any order; its leader's meeting with the host there is his own.
_SUMMIT_ABROAD = [
    (0, "kazinform", "ru", "Токаев выступил на саммите COP29 в Баку",
     "Президент Казахстана выступил на Саммите мировых лидеров по климату в Баку."),
    (1, "uza", "uz", "Prezident Bokudagi iqlim sammitida nutq soʻzladi",
     ("Oʻzbekiston Prezidenti Shavkat Mirziyoyev Bokuda boʻlib oʻtayotgan iqlim sammitida "
     "nutq soʻzladi.")),
    (2, "khovar", "tg", "Суханронии Пешвои миллат дар Саммити COP29",
     ("Президенти Ҷумҳурии Тоҷикистон Эмомалӣ Раҳмон дар Саммити иқлимии роҳбарони ҷаҳон дар "
     "шаҳри Боку суханронӣ намуданд.")),
    (4, "trend", "ru", "Ильхам Алиев встретился с Касым-Жомартом Токаевым",
     ("В Баку Президент Азербайджана Ильхам Алиев встретился с Президентом Казахстана "
     "Касым-Жомартом Токаевым.")),
    (5, "kt_kz", "en", "Tokayev, Aliyev discuss Trans-Caspian route on COP29 sidelines",
     ("President of Kazakhstan Kassym-Jomart Tokayev met President of Azerbaijan Ilham Aliyev "
     "in Baku on the sidelines of COP29; they discussed the Trans-Caspian route.")),
]  # fmt: skip


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (3, 0, 4, 2, 1)])
def test_each_delegations_report_of_a_summit_abroad_is_one_story(tmp_path, order):
    when = datetime(2026, 11, 12, 5, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, [_SUMMIT_ABROAD[n] for n in order], registry=True)
    assert story[0] == story[1] == story[2], story
    assert story[4] == story[5] != story[0], story


def test_a_summit_is_a_hosted_gathering_abroad_only():
    assert hosted("Токаев выступил на саммите COP29 в Баку\nГлава государства.") == "AZ conference"
    assert hosted("Leaders arrive for the CIS summit in Moscow\nThe leaders.") == "RU conference"
    # in the region's capitals the five hold their own summits, two in one city on two days
    assert hosted("Президент выступил на саммите в Астане\nГлава государства.") is None
    assert sidelines("Tokayev, Aliyev discuss Trans-Caspian route on COP29 sidelines")


# An organisation's heads of government meet in their council: each member's report names
# its own head of government and the host (issue #13).
_HEADS_OF_GOVERNMENT = [
    (0, "gazeta_uz", "ru", "Арипов выступил на заседании глав правительств ШОС",
     ("Премьер-министр Узбекистана Абдулла Арипов выступил на заседании Совета глав "
     "правительств государств — членов ШОС в Исламабаде.")),
    (1, "khovar", "tg", "Иштироки Сарвазир дар ҷаласаи Шӯрои сарони ҳукуматҳои СҲШ",
     ("Сарвазири Ҷумҳурии Тоҷикистон Қоҳир Расулзода дар ҷаласаи Шӯрои сарони ҳукуматҳои "
     "СҲШ дар шаҳри Исломобод иштирок кард.")),
    (2, "trend", "en", "SCO heads of government meet in Islamabad",
     ("The Council of Heads of Government of the SCO member states met in Islamabad; the "
     "prime ministers of Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan took part.")),
    (3, "kazinform", "ru", "Олжас Бектенов встретился с Шахбазом Шарифом",
     ("В Исламабаде Премьер-министр Казахстана Олжас Бектенов встретился с Премьер-министром "
     "Пакистана Шахбазом Шарифом.")),
]  # fmt: skip


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (3, 2, 1, 0), (1, 3, 0, 2)])
def test_an_organisations_council_of_heads_of_government_is_its_summit(tmp_path, order):
    assert summit("SCO heads of government meet in Islamabad")
    assert summit("ShHT hukumat rahbarlari kengashi yakunlandi")
    # two states' heads of government meeting: no organisation, no summit
    assert not summit("Встреча глав правительств Казахстана и Узбекистана")
    when = datetime(2026, 10, 16, 5, tzinfo=UTC)
    story = _stories(
        tmp_path / "s.db", when, [_HEADS_OF_GOVERNMENT[n] for n in order], registry=True
    )
    assert story[0] == story[1] == story[2], story
    assert story[3] != story[0], story


def test_the_fives_meeting_and_their_summit_with_a_partner_next_day_are_two(tmp_path):
    """The five's consultative meeting in Avaza, and their summit with Korea there the next
    day: the leaders and the city are in both, the partner only in the second's first
    sentence (issue #13; one link between them made the stories depend on arrival order)."""
    reports = [
        (0, "akorda_tg", "kk", "Президент сөз сөйледі",
         ("Мемлекет басшысы Авазада өтіп жатқан Орталық Азия мемлекеттері басшыларының "
         "Консультативтік кездесуінде сөз сөйледі.")),
        (29, "kazinform", "kk", "Тоқаев Корея Республикасымен әріптестікті кеңейтуге шақырды",
         ("Мемлекет басшысы Қасым-Жомарт Тоқаев Авазада өткен «Орталық Азия – Корея "
         "Республикасы» саммитінде сөз сөйлеп, сирек металдар және көлік салаларындағы "
         "бірлескен жобаларды ұсынды.")),
    ]  # fmt: skip
    when = datetime(2026, 8, 6, 2, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] != story[29], story


def test_two_organisations_summits_abroad_are_not_joined_through_a_report_naming_neither(
    tmp_path,
):
    """The EAEU's summit in Moscow and the CIS's informal one there the next day: a
    report of "a summit in Moscow" naming neither organisation joins neither by its city
    (it would join the two; issue #13)."""
    reports = [
        (0, "kazinform", "ru", "Токаев принял участие в заседании Высшего Евразийского экономического совета",
         "Президент Казахстана Касым-Жомарт Токаев принял участие в саммите ЕАЭС в Москве."),
        (26, "uza", "ru", "Президент принял участие в неформальном саммите в Москве",
         "Президент Узбекистана Шавкат Мирзиёев принял участие в неформальном саммите в Москве."),
        (27, "khovar", "ru", "Эмомали Рахмон принял участие в неформальном саммите СНГ",
         ("Президент Таджикистана Эмомали Рахмон принял участие во встрече глав государств СНГ "
         "в Москве.")),
    ]  # fmt: skip
    when = datetime(2026, 12, 25, 6, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] != story[27] and story[0] != story[26], story
    assert hosted("Tokayev addresses COP 16 in Riyadh\nThe President spoke.") == "SA conference"


def test_an_organisations_ministerial_is_its_council_and_a_call_on_a_summit_to_come_is_not_it():
    """ "OTS ministerial meeting" is the organisation's council, not its leaders' summit;
    a call "discussing the upcoming summit" is the call (issue #13)."""
    assert council("Azerbaijani FM attends OTS ministerial meeting in Turkistan")
    # another sector's ministers, or two states' talks: no council of foreign ministers
    assert not council("SCO energy ministerial meeting held in Astana")
    assert not council("Министерское совещание ШОС по сельскому хозяйству прошло в Астане")
    assert not council("Kazakhstan and Uzbekistan hold ministerial talks ahead of SCO summit")
    assert sidelines("Tokayev, Mirziyoyev discuss upcoming Turkic summit")
    assert sidelines("Токаев и Мирзиёев обсудили предстоящий саммит ОТГ")
    assert sidelines("Кулубаев и Кошербаев обсудили повестку предстоящих контактов")
    assert not sidelines("Tokayev, Mirziyoyev discuss Turkic summit")
    # something else to come: the summit's own report
    assert not sidelines("Жапаров на саммите ОТГ обозначил приоритеты на предстоящий период")
    assert not sidelines("Japarov at OTS summit outlines priorities for upcoming chairmanship")


_SUMMIT_IN_TOKYO = [
    (0, "mfa_kz", "ru", "Президент Казахстана принял участие в саммите «Центральная Азия + Япония» в Токио",
     ("В Токио состоялся саммит «Центральная Азия + Япония» с участием глав государств Казахстана, "
     "Кыргызстана, Таджикистана, Туркменистана и Узбекистана и премьер-министра Японии.")),
    (1, "kg24", "ru", "Садыр Жапаров выступил на саммите в Токио",
     "Президент Кыргызстана Садыр Жапаров выступил на саммите в Токио."),
    (2, "uzbekmfa", "uz", "Prezident sammitda nutq soʻzladi",
     ("Prezident Shavkat Mirziyoyev «Markaziy Osiyo + Yaponiya» sammitida nutq soʻzladi. Sammitda "
     "Qozogʻiston, Qirgʻiziston, Tojikiston va Turkmaniston rahbarlari ishtirok etdi.")),
]  # fmt: skip


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_a_delegations_report_of_a_summit_abroad_joins_the_summits_story(tmp_path, order):
    """Kyrgyzstan's report of the summit in Tokyo names its own state and the host; a
    report naming every state there is of the same summit, whichever group each is in
    first (issue #13: the delegation's report kept two groups of the summit apart)."""
    when = datetime(2026, 12, 20, 2, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, [_SUMMIT_IN_TOKYO[n] for n in order], registry=True)
    assert story[0] == story[1] == story[2], story


def test_the_fives_ministers_and_their_meeting_with_a_partner_next_day_are_two(tmp_path):
    """The five's foreign ministers in Avaza, and their meeting with Korea's there the
    next day whose format only its first sentence names (issue #13); a report naming the
    format whose partner the data does not know ("«Осиёи Марказӣ – ИМА»") is no report
    without the partner."""
    reports = [
        (0, "mfa_tm", "ru", "Главы МИД стран Центральной Азии встретились в Авазе",
         ("Министры иностранных дел Казахстана, Кыргызстана, Таджикистана, Туркменистана и "
         "Узбекистана Ермек Кошербаев, Жээнбек Кулубаев, Сироджиддин Мухриддин, Рашид Мередов и "
         "Бахтиёр Саидов провели встречу в Авазе. Обсуждены вопросы региональной повестки.")),
        (20, "kazinform", "ru", "Министры иностранных дел провели встречу в Авазе",
         ("В Авазе состоялась встреча министров иностранных дел в формате «Центральная Азия – "
         "Республика Корея» с участием Ермека Кошербаева, Жээнбека Кулубаева, Сироджиддина "
         "Мухриддина, Рашида Мередова, Бахтиёра Саидова и министра иностранных дел Кореи Чо Тхэ "
         "Ёля. Обсуждены вопросы региональной повестки.")),
    ]  # fmt: skip
    when = datetime(2026, 8, 5, 5, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] != story[20], story


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        ("Федеральный президент Германии прибыл в Ташкент с государственным визитом.", True),
        ("Prezident kelgusi davlat tashrifi tayyorgarligini muhokama qildi.", False),
        ("Президент таяуда болатын мемлекеттік сапарды талқылады.", False),
        ("Prezident boʻlajak davlat tashrifini muhokama qildi.", False),
        ("Prezident geljek döwlet saparyny ara alyp maslahatlaşdy.", False),
        ("Президент отметил договоренности, достигнутые в ходе государственного визита.", False),
    ],
)
def test_a_state_visit_told_in_a_first_sentence_not_one_to_come_nor_recalled(sentence, told):
    """The announcing words (one list, storage.dedup) and the preparations (the
    classifier's) tell a visit to come in every language, not the visit itself."""
    from storage.stories import _title_cues, _visit_told

    cues = _title_cues("Президент принял гостя")
    assert _visit_told(cues, sentence) is told


@pytest.mark.parametrize("reverse", [False, True])
def test_a_conference_abroad_takes_the_regions_arrival_and_each_leaders_speech(tmp_path, reverse):
    """COP29 in Baku: the region's leaders arriving for it (named all, not the host), each
    president's speech (the Tajik one typed a meeting), one story; the Kazakh president's
    meeting with the host on its sidelines, and the same agency's report of his speech an
    hour later in another language, not one release's versions."""
    reports = [
        (0, "trend", "en", "Central Asian leaders arrive in Baku for the COP29 summit",
         ("The presidents of Kazakhstan, Uzbekistan, Kyrgyzstan and Tajikistan arrived in Baku "
          "for the high-level segment of COP29. Turkmenistan is represented by its foreign "
          "minister.")),
        (2, "kazinform", "en", "Tokayev, Aliyev meet on COP29 sidelines",
         ("President Kassym-Jomart Tokayev met President of Azerbaijan Ilham Aliyev on the "
          "sidelines of COP29 in Baku. The leaders discussed the Middle Corridor.")),
        (3, "uza", "uz", "Shavkat Mirziyoyev COP29 sammitida nutq soʻzladi",
         ("Prezident Shavkat Mirziyoyev Bokuda COP29 sammitining yuqori darajadagi qismida nutq "
          "soʻzladi. U Orol dengizi muammosiga eʼtibor qaratdi.")),
        (3.5, "kazinform", "ru", "Токаев на COP29: Центральная Азия теряет ледники",
         ("Выступая на саммите COP29 в Баку, Касым-Жомарт Токаев заявил, что ледники региона "
          "сокращаются быстрее, чем в мире.")),
        (20, "khovar", "tg", "Суханронии Президенти Ҷумҳурии Тоҷикистон дар ҳамоиши COP29",
         ("Президенти Ҷумҳурии Тоҷикистон Эмомалӣ Раҳмон дар бахши сатҳи баланди COP29 дар "
          "шаҳри Боку суханронӣ намуд.")),
    ]  # fmt: skip
    when = datetime(2024, 11, 12, 4, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports[::-1] if reverse else reports, registry=True)
    assert story[0] == story[3] == story[3.5] == story[20], story
    assert story[2] != story[3.5], story


@pytest.mark.parametrize("reverse", [False, True])
def test_the_presidents_reception_of_a_gatherings_ministers_is_not_their_meeting(tmp_path, reverse):
    """The five's foreign ministers meet in Ashgabat, the president receives them in the
    afternoon: two events, though a report naming neither principal links to both."""
    five = "Казахстана, Кыргызстана, Таджикистана, Туркменистана и Узбекистана"
    reports = [
        (0, "mfa_tm", "ru", "Встреча министров иностранных дел государств Центральной Азии",
         f"В Ашхабаде состоялась встреча министров иностранных дел {five}."),
        (1, "kabar", "ru",
         "Министр Кулубаев принял участие во встрече министров иностранных дел в Ашхабаде",
         f"В Ашхабаде состоялась встреча министров иностранных дел {five}."),
        (2, "kt_kz", "ru", "В Ашхабаде обсудили региональное сотрудничество",
         f"В Ашхабаде представители {five} обсудили региональное сотрудничество."),
        (4, "tdh", "ru", "Президент Туркменистана принял министров иностранных дел",
         ("Президент Туркменистана Сердар Бердымухамедов принял глав внешнеполитических "
          "ведомств Казахстана, Кыргызстана, Таджикистана и Узбекистана.")),
        (5, "kabar", "ru", "Сердар Бердымухамедов принял глав МИД стран Центральной Азии",
         ("Президент Туркменистана принял министров иностранных дел Казахстана, Кыргызстана, "
          "Таджикистана и Узбекистана, в том числе Жээнбека Кулубаева.")),
    ]  # fmt: skip
    when = datetime(2025, 3, 24, 4, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports[::-1] if reverse else reports, registry=True)
    assert story[0] == story[1], story
    assert story[4] == story[5], story
    assert story[0] != story[4], story


def test_one_states_report_of_an_organisations_meeting_is_not_another_formats():
    """The CSTO ministers' meeting and the C5+1's, the same day in New York: Tajikistan's
    report of the first is no member's report of the second."""
    csto = _titled(
        "Мухриддин принял участие во встрече глав МИД ОДКБ в Нью-Йорке",
        "Министр иностранных дел Таджикистана Сироджиддин Мухриддин принял участие во встрече "
        "министров иностранных дел государств - членов ОДКБ в Нью-Йорке.",
        countries=("TJ",),
    )
    csto["members"] = ("RU", "BY", "AM", "KZ", "KG", "TJ")
    c5 = _titled(
        "Главы МИД Центральной Азии и США встретились в Нью-Йорке",
        "В Нью-Йорке министры иностранных дел Казахстана, Кыргызстана, Таджикистана, "
        "Туркменистана и Узбекистана встретились с госсекретарем США. Мухриддин выступил.",
        countries=("US", "KZ", "KG", "TJ", "TM", "UZ"),
    )
    csto["summit"] = True
    c5["title"] = "Главы МИД Центральной Азии и США встретились в Нью-Йорке"
    assert not same_story(csto, c5).same


@pytest.mark.parametrize(
    "title",
    [
        "Бишкекте Түрк мамлекеттер уюмунун тышкы иштер министрлер кеңешинин жыйыны өттү",
        "Астанада ТМҰ сыртқы істер министрлер кеңесінің отырысы өтті",
        # the Tajik acronym of the council of foreign ministers
        "Ширкат дар ҷаласаи ШВКХ ИДМ",
    ],
)
def test_a_council_of_ministers_named_as_one_compound_word(title):
    assert council(title)


@pytest.mark.parametrize(
    "title",
    [
        # the General Assembly is no summit: its week's meetings of two are many, and a
        # president's speech there is no report of them
        "Токаев выступил на общих дебатах Генассамблеи ООН",
        "Tokayev, Erdogan meet during UN General Assembly session in New York",
        # the Uzbek "unga", to him
        "Mirziyoyev Tokayevga qoʻngʻiroq qildi va unga tabrik yoʻlladi",
    ],
)
def test_the_general_assembly_and_a_word_like_its_acronym_are_no_summit(title):
    assert not summit(title)


def test_two_forums_or_a_press_conference_of_the_same_two_states_are_not_one_forum(tmp_path):
    reports = [
        (0, "kazinform", "ru", "Казахстанско-узбекский бизнес-форум прошел в Ташкенте",
         ("В Ташкенте состоялся казахстанско-узбекский бизнес-форум. Предприниматели двух "
          "стран подписали 40 контрактов.")),
        (4, "uza", "ru", "В Туркестане открылся Форум межрегионального сотрудничества",
         ("В Туркестане начал работу Форум межрегионального сотрудничества Узбекистана и "
          "Казахстана. Стороны подписали 15 соглашений между регионами.")),
        (30, "kazinform", "ru", "Посол Китая провел пресс-конференцию в Алматы",
         "Посол Китая в Казахстане рассказал журналистам в Алматы о сотрудничестве двух стран."),
        (33, "tengrinews", "ru", "В Алматы открылась конференция Казахстана и Китая по воде",
         "В Алматы эксперты Казахстана и Китая обсудили трансграничные реки."),
    ]  # fmt: skip
    when = datetime(2025, 5, 20, 4, tzinfo=UTC)
    story = _stories(tmp_path / "s.db", when, reports, registry=True)
    assert story[0] != story[4], story
    assert story[30] != story[33], story


def test_a_members_report_of_an_organisations_plus_session_with_its_guests():
    sco = ("CN", "RU", "KZ", "KG", "TJ", "UZ", "IN", "PK", "IR", "BY")
    lone = _titled(
        "Токаев выступил на саммите ШОС в Тяньцзине",
        "Президент Казахстана Касым-Жомарт Токаев выступил на заседании «ШОС плюс» в Тяньцзине.",
        countries=("KZ",),
    )
    lone["members"] = sco
    many = _titled(
        "В Тяньцзине прошел саммит «ШОС плюс»",
        "В Тяньцзине прошло заседание «ШОС плюс» с участием лидеров Китая, России, "
        "Казахстана, Кыргызстана, Таджикистана, Узбекистана, Туркменистана, Азербайджана и "
        "Турции. Касым-Жомарт Токаев выступил.",
        countries=("CN", "RU", "KZ", "KG", "TJ", "UZ", "TM", "AZ", "TR"),
        when=WHEN + timedelta(hours=2),
    )
    lone["organisations"] = many["organisations"] = frozenset({"SCO"})
    assert same_story(lone, many).same
    # (not against a report naming no organisation: the five's ministers in New York)
    many["organisations"] = frozenset()
    assert not same_story(lone, many).same


def test_the_victory_day_parade_abroad_is_hosted_like_a_summit():
    opening = (
        "Tokayev attends Victory Day parade in Moscow\n"
        "President Kassym-Jomart Tokayev attended the Victory Day parade in Moscow."
    )
    assert hosted(opening) == "RU conference"


@pytest.mark.parametrize(
    "title",
    ["FMs discuss new paradigm of Caspian transport cooperation", "В Ташкенте прошел парад мод"],
)
def test_a_paradigm_or_another_parade_is_no_gathering(title):
    assert hosted(f"{title}\nThe ministers met in Baku.") is None


@pytest.mark.parametrize(
    ("title", "principal"),
    [
        ("Japanese Prime Minister receives Central Asian foreign ministers", "head"),
        ("Премьер-министр Японии принял министров иностранных дел стран Центральной Азии", "head"),
        ("Сарвазири Ҷопон вазирони корҳои хориҷии Осиёи Марказиро қабул кард", "head"),
        # the ministers' own meeting; a prime minister taking part in it is no reception
        ("Министры иностранных дел Центральной Азии и Японии встретились в Токио", "minister"),
        ("Премьер-министр Японии принял участие во встрече министров", "minister"),
    ],
)
def test_a_head_of_governments_reception_is_his_event_not_the_ministers(title, principal):
    """At a gathering the reception and the ministers' meeting keep their groups apart."""
    from storage.stories import _principal

    assert _principal(title, "", None) == principal


@pytest.mark.parametrize("order", [1, -1])
@pytest.mark.parametrize(
    ("reports", "when", "same"),
    [
        # the ministers' talks and a report naming nobody, quoting the ministry: one meeting
        (
            [
                (0, "mfa_tm", "en", "Turkmen-Afghan talks held at the Ministry of Foreign Affairs",
                 ("Minister of Foreign Affairs of Turkmenistan Rashid Meredov held talks with the "
                  "acting Minister of Foreign Affairs of Afghanistan Amir Khan Muttaqi. The parties "
                  "discussed the construction of the gas pipeline.")),
                (7, "trend", "en", "Turkmenistan, Afghanistan review TAPI progress",
                 ("Turkmenistan and Afghanistan discussed the construction of the TAPI gas pipeline "
                  "during talks in Ashgabat, the Turkmen Foreign Ministry said.")),
            ],
            datetime(2024, 9, 12, 4, tzinfo=UTC),
            True,
        ),
        # the two states' forum in both headlines the same day, two languages: one event
        (
            [
                (0, "kazinform", "ru", "В Уральске открылся Форум межрегионального сотрудничества",
                 ("В Уральске начал работу XXI Форум межрегионального сотрудничества Казахстана и "
                  "России. В нем участвуют губернаторы приграничных областей.")),
                (3, "tengrinews", "kk", "Оралда өңіраралық ынтымақтастық форумы өтіп жатыр",
                 ("Қазақстан мен Ресейдің өңіраралық ынтымақтастық форумы Оралда жалғасып жатыр. "
                  "Форумда екі ел өңірлерінің келісімдері талқыланды.")),
            ],
            datetime(2025, 7, 10, 4, tzinfo=UTC),
            True,
        ),
        # a report naming nobody and another minister's talks that day: two
        (
            [
                (0, "mfa_kz", "ru", "Министры иностранных дел Казахстана и Китая провели переговоры",
                 ("Министр иностранных дел Казахстана Ермек Кошербаев провел переговоры с Министром "
                  "иностранных дел Китая Ван И. Стороны обсудили торгово-экономическое сотрудничество.")),
                (6, "kazinform", "ru", "Министр энергетики Казахстана и делегация Китая обсудили газ",
                 ("Министр энергетики Казахстана провел встречу с делегацией Китая. Стороны обсудили "
                  "строительство газопровода.")),
            ],
            datetime(2025, 4, 10, 4, tzinfo=UTC),
            False,
        ),
        # one source's speech at a forum and its minister's meeting there: two posts
        (
            [
                (0, "trend", "en", "Azerbaijani FM speaks at Astana International Forum",
                 ("Azerbaijani Foreign Minister Jeyhun Bayramov addressed a session of the Astana "
                  "International Forum on regional connectivity.")),
                (0.3, "trend", "ru", "Джейхун Байрамов встретился с казахстанским коллегой",
                 ("Министр иностранных дел Азербайджана Джейхун Байрамов встретился с министром "
                  "иностранных дел Казахстана. Стороны обсудили Средний коридор.")),
            ],
            datetime(2025, 6, 4, 7, tzinfo=UTC),
            False,
        ),
        # a minister at a conference abroad and his meeting of two there: two
        (
            [
                (0, "trend", "en", "Azerbaijani FM attends international conference in Ashgabat",
                 ("Azerbaijani Foreign Minister Jeyhun Bayramov attended the international conference "
                  "on neutrality in Ashgabat and met Turkmen Foreign Minister Rashid Meredov.")),
                (2.5, "trend", "en", "Azerbaijani, Turkmen FMs discuss Caspian transport cooperation",
                 ("Azerbaijani Foreign Minister Jeyhun Bayramov and Turkmen Foreign Minister Rashid "
                  "Meredov discussed Caspian transport cooperation in Ashgabat.")),
            ],
            datetime(2024, 12, 12, 6, tzinfo=UTC),
            False,
        ),
        # a leader at the Victory Day parade abroad and his talks with the host after it:
        # two (the parade is hosted as a summit, the talks are on its sidelines)
        (
            [
                (0, "gazeta_uz", "ru", "Мирзиёев принял участие в параде Победы в Москве",
                 ("Президент Шавкат Мирзиёев принял участие в военном параде на Красной площади "
                  "вместе с другими гостями.")),
                (3.5, "uzbekmfa", "ru", "Переговоры в Кремле",
                 ("В Москве состоялась встреча Президента Узбекистана с Президентом России. "
                  "Обсуждены совместные проекты.")),
            ],
            datetime(2025, 5, 9, 5, tzinfo=UTC),
            False,
        ),
        (
            [
                (0, "uza", "uz", "Prezident Moskvada Gʻalaba paradida ishtirok etdi",
                 "Shavkat Mirziyoyev Qizil maydondagi harbiy paradni kuzatdi."),
                (3.5, "uzbekmfa", "ru", "Переговоры в Кремле",
                 ("В Москве состоялась встреча Президента Узбекистана с Президентом России. "
                  "Обсуждены совместные проекты.")),
            ],
            datetime(2025, 5, 9, 5, tzinfo=UTC),
            False,
        ),
        # two leaders' speeches at a UN climate conference in a city the data does not
        # know, each report naming its own state and the conference by its number: one
        (
            [
                (0, "kazinform", "en", "Tokayev calls for water diplomacy at COP30",
                 ("President Kassym-Jomart Tokayev addressed the COP30 World Leaders Summit "
                  "in Belem and called for a regional water strategy.")),
                (5, "uzbekmfa", "uz", "Prezident COP30 sammitida nutq soʻzladi",
                 ("Oʻzbekiston Prezidenti Belen shahrida COP30 yetakchilar sammitida nutq "
                  "soʻzladi.")),
            ],
            datetime(2025, 11, 7, 9, tzinfo=UTC),
            True,
        ),
        # a leader's speech there and his meeting with the UN's Secretary-General on its
        # sidelines, which share only his name and the city: two
        (
            [
                (0, "kazinform", "en", "Tokayev calls for water diplomacy at COP30",
                 ("President Kassym-Jomart Tokayev addressed the COP30 World Leaders Summit "
                  "in Belem and called for a regional water strategy.")),
                (6, "kt_kz", "en", "Tokayev, Guterres discuss water agenda",
                 ("President Kassym-Jomart Tokayev met with UN Secretary-General Antonio "
                  "Guterres on the sidelines of COP30 in Belem.")),
            ],
            datetime(2025, 11, 7, 9, tzinfo=UTC),
            False,
        ),
        # two heads of state's speeches in the General Assembly's general debate, a day
        # apart, each report naming its own state: one
        (
            [
                (0, "akorda_tg", "ru", "Глава государства выступил на общих дебатах ГА ООН",
                 ("Глава государства выступил на общих дебатах 80-й сессии Генеральной "
                  "Ассамблеи ООН в Нью-Йорке.")),
                (20, "khovar", "tg", "Суханронии Президенти Тоҷикистон дар Маҷмаи умумии СММ",
                 ("Президенти Ҷумҳурии Тоҷикистон Эмомалӣ Раҳмон дар Маҷмаи умумии СММ "
                  "суханронӣ намуд.")),
            ],
            datetime(2025, 9, 23, 14, tzinfo=UTC),
            True,
        ),
        # a minister's speech there and a head of state's: two (ministers speak at the UN
        # through the year)
        (
            [
                (0, "akorda_tg", "ru", "Глава государства выступил на общих дебатах ГА ООН",
                 ("Глава государства выступил на общих дебатах 80-й сессии Генеральной "
                  "Ассамблеи ООН в Нью-Йорке.")),
                (20, "mfa_tm", "ru", "Выступление Министра иностранных дел Туркменистана в ООН",
                 ("Министр иностранных дел Туркменистана Рашид Мередов выступил на общих "
                  "дебатах Генеральной Ассамблеи ООН.")),
            ],
            datetime(2025, 9, 23, 14, tzinfo=UTC),
            False,
        ),
        # the foreign ministers' talks, and the head of government's reception of the
        # visiting minister that afternoon: two (another principal)
        (
            [
                (0, "mfa_kg", "ru", "Переговоры министров иностранных дел Кыргызстана и Венгрии",
                 ("Министр иностранных дел Кыргызской Республики Жээнбек Кулубаев провел "
                  "переговоры с Министром иностранных дел Венгрии Петером Сийярто.")),
                (5, "akipress", "en", "Cabinet Chairman Kasymaliev meets Hungarian Foreign Minister",
                 ("Chairman of the Cabinet of Ministers Adylbek Kasymaliev received Hungarian "
                  "Foreign Minister Peter Szijjarto in Bishkek.")),
            ],
            datetime(2026, 6, 11, 3, tzinfo=UTC),
            False,
        ),
        # one agency's post of the ministers' talks and, in another language, of the prime
        # minister's reception of the guest: no versions of one release
        (
            [
                (0, "khovar", "ru", "Мухриддин и Аракчи обсудили таджикско-иранские отношения",
                 ("Министр иностранных дел Таджикистана Сироджиддин Мухриддин провел переговоры "
                  "с Министром иностранных дел Ирана Аббасом Аракчи.")),
                (1.5, "khovar", "tg", "Мулоқоти Сарвазири Тоҷикистон бо Вазири корҳои хориҷии Эрон",
                 ("Сарвазири Ҷумҳурии Тоҷикистон Қоҳир Расулзода Вазири корҳои хориҷии Эрон "
                  "Аббос Арақчиро ба ҳузур пазируфт.")),
            ],
            datetime(2026, 6, 23, 4, tzinfo=UTC),
            False,
        ),
        # two heads of state's speeches in the general debate, each headline naming the
        # speech: one gathering (a head of state's meeting there would be his own)
        (
            [
                (0, "uza", "ru", "Выступление Президента Узбекистана на 80-й сессии Генассамблеи ООН",
                 ("Президент Республики Узбекистан Шавкат Мирзиёев выступил на общих дебатах "
                  "80-й сессии Генеральной Ассамблеи ООН.")),
                (13, "mfa_tm", "ru", "Выступление Президента Туркменистана на 80-й сессии ГА ООН",
                 ("Президент Туркменистана Сердар Бердымухамедов выступил на 80-й сессии "
                  "Генеральной Ассамблеи ООН в Нью-Йорке.")),
            ],
            datetime(2025, 9, 23, 14, tzinfo=UTC),
            True,
        ),
        # the five's summit, and the next morning's analysis headlined by its city and the
        # region, its body naming two of the leaders: one
        (
            [
                (0, "kabar", "ru", "В Чолпон-Ате прошла Консультативная встреча глав государств Центральной Азии",
                 ("В Чолпон-Ате состоялась седьмая Консультативная встреча глав государств "
                  "Центральной Азии. Лидеры приняли дорожную карту регионального сотрудничества.")),
                (20, "timesca", "en", "Cholpon-Ata summit: Central Asia inches toward a common agenda",
                 ("The roadmap adopted on the shore of Issyk-Kul is the most detailed the format "
                  "has produced. Tokayev and Mirziyoyev spoke of water and transport.")),
            ],
            datetime(2025, 8, 14, 6, tzinfo=UTC),
            True,
        ),
        # the commission's session and the prime minister's reception of the visiting
        # delegation that day, both naming the delegation's head: two
        (
            [
                (0, "mfa_tj", "ru", "18-е заседание Межправительственной комиссии Таджикистан – Казахстан",
                 ("В Душанбе под сопредседательством вице-премьера Казахстана Кайрата Тулегенова "
                  "состоялось 18-е заседание межправительственной комиссии.")),
                (1.5, "kazinform", "ru", "Премьер-министр Таджикистана принял казахстанскую делегацию",
                 ("Премьер-министр Таджикистана Кохир Расулзода принял делегацию Казахстана во "
                  "главе с вице-премьером Кайратом Тулегеновым.")),
            ],
            datetime(2026, 6, 24, 5, tzinfo=UTC),
            False,
        ),
        # the prime minister's meeting with a visiting minister, one headline naming him by
        # his title, the other by his name: one
        (
            [
                (0, "kazinform", "ru", "Премьер-министр Казахстана встретился с министром иностранных дел Венгрии",
                 ("Премьер-министр Казахстана Олжас Бектенов встретился с министром иностранных "
                  "дел и внешнеэкономических связей Венгрии Петером Сийярто.")),
                (2, "kt_kz", "ru", "Бектенов провел встречу с главой МИД Венгрии Сийярто",
                 ("Премьер-министр Олжас Бектенов провел встречу с министром иностранных дел "
                  "Венгрии Петером Сийярто.")),
            ],
            datetime(2026, 2, 19, 5, tzinfo=UTC),
            True,
        ),
        # the delegation's arrival, the evening before, and his reception of it: two
        (
            [
                (0, "kazinform", "ru", "Казахстанская делегация прибыла в Душанбе",
                 ("Правительственная делегация Казахстана во главе с вице-премьером Кайратом "
                  "Тулегеновым прибыла в Душанбе.")),
                (15, "asiaplus", "en", "Tajik PM receives Kazakh delegation",
                 ("Tajik Prime Minister Kokhir Rasulzoda received the Kazakh government "
                  "delegation led by Deputy Prime Minister Kairat Tulegenov in Dushanbe.")),
            ],
            datetime(2026, 6, 23, 9, tzinfo=UTC),
            False,
        ),
        # a leader's speech, its summit named in the second sentence, and another leader's
        # report of that summit in its host's capital: one
        (
            [
                (0, "asiaplus", "en", "Rahmon in Seoul calls for Korean investment in hydropower",
                 ("Tajik President Emomali Rahmon called on Korean companies to invest in "
                  "hydropower and mining. Speaking at the first Central Asia – Republic of "
                  "Korea Summit in Seoul, he also proposed cooperation on glaciers.")),
                (2, "mfa_kz", "en", "President of Kazakhstan addresses Central Asia – Korea Summit",
                 ("President Kassym-Jomart Tokayev addressed the first Central Asia – Republic "
                  "of Korea Summit in Seoul.")),
            ],
            datetime(2026, 3, 11, 3, tzinfo=UTC),
            True,
        ),
        # the ministry's channel's line naming nobody, its first word a capital letter,
        # and its release of the ministers' talks an hour later: one
        (
            [
                (0, "uzbekmfa", "en", "Talks in Tashkent",
                 "Talks with the Foreign Minister of China are underway at the Ministry."),
                (1, "mfa_uz", "en", "Talks between the Foreign Ministers of Uzbekistan and China",
                 ("Minister of Foreign Affairs Bakhtiyor Saidov held talks with Foreign Minister "
                  "of China Wang Yi in Tashkent. The parties discussed the railway project.")),
            ],
            datetime(2024, 12, 19, 6, tzinfo=UTC),
            True,
        ),
        # the two governments' delegations' round of talks, begun one day and ended two
        # days later, each report naming only the two states: one round
        (
            [
                (0, "mfa_uz", "ru", "Начались переговоры правительственных делегаций",
                 ("В Ташкенте начались переговоры правительственных делегаций Узбекистана и "
                  "Казахстана по вопросам водопользования.")),
                (48, "kazinform", "ru", "Переговоры Казахстана и Узбекистана по воде завершились",
                 ("В Ташкенте завершился раунд переговоров делегаций Казахстана и Узбекистана "
                  "по водным ресурсам.")),
            ],
            datetime(2026, 4, 20, 4, tzinfo=UTC),
            True,
        ),
        # the same two ministers meeting again two days later: two
        (
            [
                (0, "mfa_uz", "ru", "Переговоры министров иностранных дел Узбекистана и Казахстана",
                 ("В Ташкенте состоялись переговоры министров иностранных дел Узбекистана и "
                  "Казахстана.")),
                (48, "kazinform", "ru", "Министры иностранных дел Казахстана и Узбекистана вновь встретились",
                 ("Министры иностранных дел Казахстана и Узбекистана провели переговоры "
                  "в Ташкенте.")),
            ],
            datetime(2026, 4, 20, 4, tzinfo=UTC),
            False,
        ),
        # a leader's arrival for the CIS summit, the organisation by its full Uzbek name,
        # and another leader's report of that summit the next morning: one
        (
            [
                (0, "uza", "uz", "Prezident Dushanbega yetib keldi",
                 ("Prezident Shavkat Mirziyoyev Mustaqil Davlatlar Hamdoʻstligi davlat "
                  "rahbarlari kengashining yigʻilishida ishtirok etish uchun Dushanbe shahriga "
                  "yetib keldi.")),
                (16, "kg24", "ru", "Садыр Жапаров выступил на саммите СНГ в Душанбе",
                 ("Президент Садыр Жапаров выступил на заседании Совета глав государств СНГ в "
                  "Душанбе.")),
            ],
            datetime(2026, 10, 8, 10, tzinfo=UTC),
            True,
        ),
        # the host's ministry's report of a forum the foreign ministers attend, and its
        # channel's line of the minister's talks there with one guest: two
        (
            [
                (0, "mfa_uz", "en", "Foreign Ministers at the Tashkent International Investment Forum",
                 ("Minister of Foreign Affairs Bakhtiyor Saidov met the foreign ministers of "
                  "Hungary, Azerbaijan and Kyrgyzstan attending the Tashkent International "
                  "Investment Forum, Peter Szijjarto, Jeyhun Bayramov and Jeenbek Kulubaev. "
                  "Agreements worth 26 billion dollars were signed at the forum.")),
                (1, "uzbekmfa", "en", "Talks with Hungarian Foreign Minister",
                 ("Minister Bakhtiyor Saidov held talks with Hungarian Foreign Minister Peter "
                  "Szijjarto in Tashkent, on the day agreements worth 26 billion dollars were "
                  "signed.")),
            ],
            datetime(2026, 10, 20, 5, tzinfo=UTC),
            False,
        ),
        # the foreign minister who is also a deputy chairman of the cabinet, and the
        # agency's report of his talks that day: one (a deputy is no head of government)
        (
            [
                (0, "mfa_tm", "ru", ("Заместитель Председателя Кабинета Министров, Министр "
                                     "иностранных дел Туркменистана провёл переговоры с "
                                     "Министром иностранных дел Китая"),
                 ("Заместитель Председателя Кабинета Министров, Министр иностранных дел "
                  "Туркменистана Рашид Мередов провёл переговоры с Министром иностранных дел "
                  "Китая Ван И в Ашхабаде.")),
                (3, "trend", "en", "Turkmenistan and China hold foreign ministers' talks in Ashgabat",
                 ("Turkmen Foreign Minister Rashid Meredov and Chinese Foreign Minister Wang Yi "
                  "held talks in Ashgabat.")),
            ],
            datetime(2026, 4, 20, 5, tzinfo=UTC),
            True,
        ),
        # a leader at the Victory Day parade and his talks with the host, both headlines
        # naming him: two
        (
            [
                (0, "tengrinews", "ru", "Токаев посетил Парад Победы в Москве",
                 ("Президент Казахстана Касым-Жомарт Токаев посетил военный парад на Красной "
                  "площади в Москве.")),
                (4, "kazinform", "ru", "Токаев и Путин провели переговоры в Кремле",
                 ("Президент Казахстана Касым-Жомарт Токаев и Президент России Владимир Путин "
                  "провели переговоры в Кремле в Москве.")),
            ],
            datetime(2026, 5, 9, 5, tzinfo=UTC),
            False,
        ),
        # a delegation's report of the five ministers' meeting in Ashgabat (its own state
        # and the host's city) and the host's report of it naming all five: one
        (
            [
                (0, "mfa_tm", "ru", "В Ашхабаде состоялась встреча министров иностранных дел стран Центральной Азии",
                 ("В Ашхабаде состоялась встреча министров иностранных дел Казахстана, "
                  "Кыргызстана, Таджикистана, Туркменистана и Узбекистана.")),
                (2, "khovar", "tg", "Вазири корҳои хориҷӣ дар Ашқобод",
                 ("Сироҷиддин Муҳриддин дар ҷаласаи Шӯрои вазирони корҳои хориҷӣ дар шаҳри "
                  "Ашқобод суханронӣ кард.")),
            ],
            datetime(2026, 1, 20, 5, tzinfo=UTC),
            True,
        ),
        # an official channel's meeting with the host's minister there, the headline
        # naming the host alone: two
        (
            [
                (0, "mfa_tm", "ru", "В Ашхабаде состоялась встреча министров иностранных дел стран Центральной Азии",
                 ("В Ашхабаде состоялась встреча министров иностранных дел Казахстана, "
                  "Кыргызстана, Таджикистана, Туркменистана и Узбекистана.")),
                (3, "uzbekmfa", "ru", "Встреча с Министром иностранных дел Туркменистана",
                 ("Бахтиёр Саидов провел встречу с Рашидом Мередовым в Ашхабаде. Обсуждены "
                  "вопросы транспорта и энергетики.")),
            ],
            datetime(2026, 1, 20, 5, tzinfo=UTC),
            False,
        ),
        # a channel's headline naming only the city, its first sentence the Turkic
        # states' council of ministers there, and another member's report of it: one
        (
            [
                (0, "uzbekmfa", "uz", "Boku",
                 ("Vazir Baxtiyor Saidov Bokuda Turkiy davlatlar tashkiloti Tashqi ishlar "
                  "vazirlari kengashi majlisida nutq soʻzladi.")),
                (2, "kabar", "ru", "Кулубаев выступил на заседании СМИД ОТГ в Баку",
                 ("Министр иностранных дел Кыргызстана Жээнбек Кулубаев выступил на заседании "
                  "Совета министров иностранных дел Организации тюркских государств в Баку.")),
            ],
            datetime(2025, 3, 25, 6, tzinfo=UTC),
            True,
        ),
        # a delegation's arrival the evening before, its second sentence naming the
        # ministerial it came for, and the host's report of that ministerial: one
        (
            [
                (0, "mfa_kg", "ru", "Делегация Кыргызской Республики прибыла в Ашхабад",
                 ("Министр иностранных дел Кыргызской Республики Жээнбек Кулубаев прибыл в "
                  "Ашхабад. Глава внешнеполитического ведомства примет участие в министерской "
                  "встрече в формате «Центральная Азия – Германия».")),
                (11, "mfa_tm", "ru", "Встреча министров иностранных дел в формате «Центральная Азия – Германия»",
                 ("В Ашхабаде состоялась встреча министров иностранных дел Казахстана, "
                  "Кыргызстана, Таджикистана, Туркменистана, Узбекистана и Германии.")),
            ],
            datetime(2026, 1, 14, 16, tzinfo=UTC),
            True,
        ),
        # one state and one organisation: the president's meeting with the UN's
        # Secretary-General told in two languages, each naming him in full: one
        (
            [
                (0, "kazinform", "ru", "Токаев встретился с Генеральным секретарем ООН",
                 "Глава государства провел встречу с Антониу Гутеррешем."),
                (3, "akorda_tg", "kk", "БҰҰ Бас хатшысымен кездесу",
                 "Мемлекет басшысы БҰҰ Бас хатшысы Антониу Гутеррешпен кездесті."),
            ],
            datetime(2025, 9, 23, 15, tzinfo=UTC),
            True,
        ),
    ],
)  # fmt: skip
def test_two_reports_in_either_order(tmp_path, reports, when, same, order):
    """Two reports of one day, stored in either order: one story or two."""
    story = _stories(tmp_path / "s.db", when, reports[::order], registry=True)
    first, second = (hours for hours, *_ in reports)
    assert (story[first] == story[second]) is same, story


@pytest.mark.parametrize(
    ("opening", "key"),
    [
        ("Tokayev urges climate finance at COP31\nHe spoke in Antalya.", "cop31"),
        (("Президент прибыл в Турцию\nПрезидент прибыл в Анталью для участия в саммите "
          "31-й Конференции сторон."), "cop31"),
        ("Prezident BMT Bosh Assambleyasida nutq soʻzladi\nPrezident nutq soʻzladi.", "unga"),
        ("Тоқаев БҰҰ мінберінен не айтты\nПрезидент сөз сөйледі.", "unga"),
        (("Суханронии Президент дар иҷлосияи 81-уми Ассамблеяи Генералии СММ\nПрезидент "
          "суханронӣ кард."), "unga"),
        # where a meeting was held, not the gathering reported
        ("Tokayev, Guterres meet on the sidelines of COP31\nThey met in Antalya.", None),
        ("Токаев встретился с Гутерришем\nВстреча прошла на полях Генассамблеи ООН.", None),
        ("Токаев прибыл в Нью-Йорк\nПрезидент проведет переговоры.", None),
        # the Uzbek "unga", to him, is no General Assembly; the number makes UNGA
        ("Prezident Xitoyga jo'nab ketdi\nUnga delegatsiya hamrohlik qilmoqda.", None),
        ("Uzbekistan's leader outlines priorities at UNGA-81\nHe spoke.", "unga"),
        # the climate conference in the region's other wordings
        ("Токаев на КС-29\nПрезидент выступил в Баку.", "cop29"),
        ("Tokayev addresses UNGA\nThe President spoke in New York.", "unga"),
        # the Constitutional Court's chairman, no conference
        ("Председатель КС 12 декабря встретился с судьями\nВстреча прошла в Астане.", None),
        ("Президент выступил\nПрезидент выступил на 29-й сессии Конференции сторон.", "cop29"),
        (("Тоқаев сөз сөйледі\nПрезидент Тараптар конференциясының 29-сессиясында сөз "
          "сөйледі."), "cop29"),
    ],
)  # fmt: skip
def test_a_un_gathering_of_the_worlds_states_is_known_by_its_name(opening, key):
    from storage.dedup import world_gathering

    assert world_gathering(opening) == key


@pytest.mark.parametrize(
    "title",
    ["Прием в Куксарое", "Кўксаройда қабул", "Reception at Kuksaroy", "Прием в Акорде"],
)
def test_a_reception_at_the_presidents_residence_is_the_head_of_states(title):
    assert head_of_state(title)


@pytest.mark.parametrize(
    ("title", "government"),
    [
        ("Cabinet Chairman Kasymaliev meets Hungarian Foreign Minister", True),
        ("Председатель Кабмина Адылбек Касымалиев принял министра иностранных дел", True),
        ("Vazirlar Mahkamasi raisi Vengriya tashqi ishlar vazirini qabul qildi", True),
        # a deputy, who may be the foreign minister, is no head of government
        (("Заместитель Председателя Кабинета Министров, Министр иностранных дел "
          "Туркменистана провёл переговоры"), False),
        ("Deputy Prime Minister Dar meets Kazakh Foreign Minister", False),
        ("Bosh vazir oʻrinbosari Vengriya vazirini qabul qildi", False),
        ("Премьер-министрдің орынбасары Венгрия министрін қабылдады", False),
        # by his initials too, not a time of day
        ("Tajik PM receives Kazakh delegation", True),
        ("Talks to begin at 3 pm in Dushanbe", False),
    ],
)  # fmt: skip
def test_a_head_of_government_in_a_headline_not_his_deputy(title, government):
    from storage.dedup import _government

    assert _government({"title": title}) is government


@pytest.mark.parametrize(
    ("title", "reception"),
    [
        ("Премьер-министр Таджикистана принял казахстанскую делегацию", True),
        ("Tajik PM receives Kazakh delegation", True),
        ("Сарвазири Тоҷикистон ҳайати Қазоқистонро ба ҳузур пазируфт", True),
        # a minister's talks with a prime minister (Qatar's is its foreign minister too)
        ("Мұрат Нұртілеу Қатар Премьер-министрімен келіссөз жүргізді", False),
        ("Nurtleu holds talks with Qatari Prime Minister", False),
    ],
)
def test_a_head_of_governments_reception_not_talks_with_him(title, reception):
    from storage.dedup import _government_reception

    assert _government_reception(title) is reception


@pytest.mark.parametrize(
    ("text", "goes_on"),
    [
        ("В Ташкенте завершился раунд переговоров делегаций", True),
        ("Chegara va suv boʻyicha muzokaralar yakunlandi", True),
        ("Kyrgyz, Tajik border delegations wrap up round in Batken", True),
        ("Казакстан менен Өзбекстан суу боюнча сүйлөшүүлөрдү улантышты", True),
        ("Кыргыз-тажик чек ара сүйлөшүүлөрү Баткенде аякталды", True),
        ("Переговоры делегаций по границе завершены", True),
        ("Kazakhstan, Uzbekistan continue border talks", True),
        # an agreement to go on, a treaty's completion, an extension: no round going on
        ("Министры договорились продолжить работу", False),
        ("Стороны обсудили вопросы о завершении делимитации", False),
        ("The ministers extended transit cooperation", False),
    ],
)
def test_a_round_of_talks_going_on_or_ending_by_its_words(text, goes_on):
    from storage.dedup import _ROUND_GOES_ON, _lower

    assert bool(_ROUND_GOES_ON.search(_lower(text))) is goes_on


def test_an_initials_full_stop_ends_no_sentence():
    from storage.dedup import first_sentence

    text = "Президент Туркменистана С. Бердымухамедов прибыл в Душанбе. Его встретили."
    assert first_sentence(text) == "Президент Туркменистана С. Бердымухамедов прибыл в Душанбе."


@pytest.mark.parametrize(
    "title",
    [
        "Токаев принял участие в параде в честь Дня Победы в Москве",
        "Prezident Gʻalaba kuniga bagʻishlangan paradda ishtirok etdi",
        "Türkmenistanyň Prezidenti Ýeňiş gününe bagyşlanan harby parada gatnaşdy",
        "Tokayev attends parade marking Victory Day in Moscow",
    ],
)
def test_the_victory_day_parade_by_the_days_name_is_a_summit(title):
    assert summit(title)


def test_a_delegations_report_naming_only_the_summit_joins_its_own_not_the_next_days(tmp_path):
    """The five's consultative meeting in Astana, a delegation's report of "the summit"
    there two hours later (its own state and the host), and the five's summit with China
    in the same city the next day: the report joins the first, the second stays apart."""
    reports = [
        (0, "kazinform", "ru", "В Астане прошла Консультативная встреча глав государств Центральной Азии",
         ("В Астане прошла Консультативная встреча глав государств Казахстана, Кыргызстана, "
          "Таджикистана, Туркменистана и Узбекистана.")),
        (2, "kabar", "ky", "Садыр Жапаров Астанадагы саммитте сөз сүйлөдү",
         "Президент Садыр Жапаров Астанадагы саммитте сөз сүйлөдү."),
        (22, "kazinform", "ru", "В Астане прошёл саммит «Центральная Азия – Китай»",
         ("В Астане прошёл саммит «Центральная Азия – Китай» с участием глав государств "
          "Казахстана, Кыргызстана, Таджикистана, Туркменистана, Узбекистана и Китая.")),
    ]  # fmt: skip
    when = datetime(2026, 8, 6, 4, tzinfo=UTC)
    for order in (reports, reports[::-1]):
        story = _stories(tmp_path / f"s{order[0][0]}.db", when, order, registry=True)
        assert story[0] == story[2] != story[22], story
