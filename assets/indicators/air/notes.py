"""Caveats that travel with each air source's values, on the page and in the exports."""

from __future__ import annotations

import polars as pl

from assets.indicators.air.rules import AIRDATA_SOURCES

# Shown beside the values wherever they appear (page, exports): caveats the source itself documents.
SOURCE_NOTES = {
    "airdata_kz_main_cities": {
        "en": "AirData.kz daily values of the May 2026 release, BEFORE the October 2026 correction of day boundaries "
        "(days were calendar days of US Pacific time, UTC−8/UTC−7, 12-13 h off local days). Licence CC BY-NC 4.0 "
        "(non-commercial). Almaty PM2.5 2017-2020 comes mainly from low-cost sensors; 'Karaganda' is one "
        "cluster that includes Temirtau, Balkhash, Zhezkazgan and Saran.",
        "ru": "Суточные значения AirData.kz выпуска мая 2026 г., ДО исправления границ суток в октябре 2026 г. "
        "(сутки считались по тихоокеанскому времени США, UTC−8/UTC−7, со сдвигом 12–13 ч от местных). "
        "Лицензия CC BY-NC 4.0 (только некоммерческое использование). PM2.5 Алматы за 2017–2020 гг. — в основном "
        "недорогие датчики; "
        "«Караганда» — один кластер, включающий станции Темиртау, Балхаша, Жезказгана и Сарани.",
        "kk": "AirData.kz 2026 ж. мамырдағы шығарылымының тәуліктік мәндері, 2026 ж. қазандағы тәулік шекараларын "
        "түзетуге ДЕЙІНГІ (тәуліктер АҚШ-тың Тынық мұхиты уақыты бойынша, UTC−8/UTC−7, есептелген, жергілікті"
        " тәуліктерден 12–13 сағ ығысқан). Лицензия CC BY-NC 4.0 (тек коммерциялық емес пайдалану). Алматының"
        " 2017–2020 жж. PM2.5 мәндері негізінен арзан датчиктерден алынған; «Қарағанды» — Теміртау, Балқаш, "
        "Жезқазған және Саран станцияларын қамтитын бір кластер.",
    },
    "airdata_kz_other": {
        "en": "AirData.kz daily values (KazHydroMet stations) of the May 2026 release, BEFORE the October 2026 "
        "correction of day boundaries. Licence CC BY-NC 4.0 (non-commercial). Many series stop or have long gaps.",
        "ru": "Суточные значения AirData.kz (станции Казгидромета) выпуска мая 2026 г., ДО исправления границ суток "
        "в октябре 2026 г. Лицензия CC BY-NC 4.0 (только некоммерческое использование). Многие ряды "
        "прерываются или имеют длительные пропуски.",
        "kk": "AirData.kz 2026 ж. мамырдағы шығарылымының тәуліктік мәндері (Қазгидромет станциялары), 2026 ж. "
        "қазандағы тәулік шекараларын түзетуге ДЕЙІНГІ. Лицензия CC BY-NC 4.0 (тек коммерциялық емес "
        "пайдалану). Көп қатарлар үзіледі немесе ұзақ олқылықтары бар.",
    },
    "bishkek_us_embassy_pm25": {
        "en": "US Embassy Bishkek reference monitor (AirNow); daily mean of valid hours, "
        "a day counts with >= 18 valid hours.",
        "ru": "Эталонный монитор посольства США в Бишкеке (AirNow); среднее за сутки по достоверным часам, "
        "сутки засчитываются при ≥ 18 достоверных часах.",
        "kk": "АҚШ-тың Бішкектегі елшілігінің эталондық мониторы (AirNow); тәуліктік мән — жарамды сағаттардың "
        "орташасы, тәулік кемінде 18 жарамды сағат болғанда есепке алынады.",
    },
    "tashkent_municipal_pm25": {
        "en": "Tashkent municipal LOW-COST sensor network, not an official reference network; daily city MEDIAN of "
        "hourly readings (not a mean). A day counts with >= 18 hourly readings per reporting station on average.",
        "ru": "Городская сеть НЕДОРОГИХ датчиков Ташкента, не официальная эталонная сеть; суточная МЕДИАНА "
        "часовых показаний по городу (не среднее). Сутки засчитываются при ≥ 18 часовых показаниях "
        "в среднем на работающую станцию.",
        "kk": "Ташкенттің АРЗАН датчиктерден тұратын қалалық желісі, ресми эталондық желі емес; тәуліктік мән — "
        "қала бойынша сағаттық көрсеткіштердің МЕДИАНАСЫ (орташа емес). Тәулік жұмыс істеп тұрған әр "
        "станцияға орта есеппен кемінде 18 сағаттық көрсеткіш болғанда есепке алынады.",
    },
    "kz_emissions_stationary_by_region": {
        "en": "Thousand tonnes. '-' in the source = the region did not exist that year (no value). Boundary changes: "
        "South Kazakhstan -> Turkistan region + Shymkent city (2018); Abai, Jetisu, Ulytau split off in 2022. "
        "No population by region exists in the sources, so no per-capita values.",
        "ru": "Тыс. тонн. «-» в источнике — области в этом году не было (значения нет). Изменения границ: "
        "Южно-Казахстанская → Туркестанская обл. и г. Шымкент (2018); в 2022 г. выделены области Абай, Жетысу, Улытау. "
        "Численности населения по областям в источниках нет, поэтому расчёта на душу населения нет.",
        "kk": "Мың тонна. Дереккөздегі «-» — сол жылы облыс болмаған (мән жоқ). Шекаралардың өзгеруі: Оңтүстік "
        "Қазақстан облысы → Түркістан облысы және Шымкент қаласы (2018); 2022 ж. Абай, Жетісу, Ұлытау "
        "облыстары бөлінді. Дереккөздерде облыстар бойынша халық саны жоқ, сондықтан жан басына шаққандағы "
        "мәндер есептелмейді.",
    },
}


def source_note(source_id: str, lang: str) -> str:
    key = "airdata_kz_other" if source_id.startswith("airdata_kz_other") else source_id
    return SOURCE_NOTES.get(key, {}).get(lang if lang in ("ru", "en", "kk") else "en", "")


def source_notes_table() -> pl.DataFrame:
    ids = [*AIRDATA_SOURCES, "bishkek_us_embassy_pm25", "tashkent_municipal_pm25", "kz_emissions_stationary_by_region"]
    return pl.DataFrame(
        {
            "source_id": ids,
            "note_ru": [source_note(i, "ru") for i in ids],
            "note_en": [source_note(i, "en") for i in ids],
            "note_kk": [source_note(i, "kk") for i in ids],
            "airdata": [i in AIRDATA_SOURCES for i in ids],
        }
    )
