"""Table tests: a user's own account of their history, read into a History;
and single form answers read with their question in mind."""

from __future__ import annotations

import pytest

from actions.history.answers import AMBIGUOUS, NEGATIVE, NOT_A_NUMBER, TOO_LARGE, UNKNOWN
from actions.history.narrative import (
    NEEDS_CONTEXT,
    NOT_YES_NO,
    POSITIVES_EXCEED_TRANSFERS,
    ROUNDS_NOT_TRANSFERS,
    History,
    ParsedAnswer,
    parse_answer,
    parse_history,
)

H = History

# (what the user wrote, the History it says)
NARRATIVES = [
    # --- the brief's own examples --------------------------------------
    (
        "fresh transfer in 2021 negative, FET in 2022 a chemical, FET in 2023 negative, then a natural pregnancy "
        "ended at 7 weeks with a sac but no heartbeat — where do I fit?",
        H(
            transfers_total=3,
            transfers_fresh=1,
            transfers_frozen=2,
            negative_tests=2,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_natural=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            natural_pregnancies=1,
            pregnancies_after_treatment=1,
        ),
    ),
    ("3 failed transfers", H(transfers_total=3, negative_tests=3, positive_tests=0)),
    ("two MMCs and one chemical", H(confirmed_miscarriages=2, biochemical_losses=1)),
    # No word about IVF: the tests are counted, transfers are not guessed.
    (
        "2 BFNs then a BFP that ended in MMC at 9w",
        H(
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
        ),
    ),
    (
        "after IVF: 2 BFNs then a BFP that ended in MMC at 9w",
        H(
            transfers_total=3,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    ("2 fresh and 1 frozen", H(transfers_total=3, transfers_fresh=2, transfers_frozen=1)),
    ("we've had 2 fresh and 1 frozen transfers", H(transfers_total=3, transfers_fresh=2, transfers_frozen=1)),
    # --- no history at all ----------------------------------------------
    ("hello, what is RIF?", H()),
    ("Can you tell me about progesterone support after a transfer?", H()),
    ("thank you so much, this helped", H()),
    ("what tests should I ask my clinic for?", H()),
    ("I'm 38 and my AMH is 1.2", H()),
    ("Starting IVF next month, really nervous", H()),
    # --- transfers and their results ------------------------------------
    ("4 FETs, all BFN", H(transfers_total=4, transfers_frozen=4, negative_tests=4, positive_tests=0)),
    (
        "I've had 5 transfers, 4 were negative and 1 was a chemical",
        H(
            transfers_total=5,
            negative_tests=4,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "6 embryo transfers (2 fresh, 4 frozen), all negative",
        H(transfers_total=6, transfers_fresh=2, transfers_frozen=4, negative_tests=6, positive_tests=0),
    ),
    (
        "1 fresh BFN, 2 FETs: one chemical, one MMC at 8 weeks. No live births.",
        H(
            transfers_total=3,
            transfers_fresh=1,
            transfers_frozen=2,
            negative_tests=1,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            live_births=0,
            pregnancies_after_treatment=2,
        ),
    ),
    ("FET x3 all BFN", H(transfers_total=3, transfers_frozen=3, negative_tests=3, positive_tests=0)),
    (
        "2 rounds of ICSI, 1 fresh transfer BFN and 2 FETs BFN",
        H(
            rounds_mentioned=True,
            rounds=2,
            transfers_total=3,
            transfers_fresh=1,
            transfers_frozen=2,
            negative_tests=3,
            positive_tests=0,
        ),
    ),
    (
        "ET #1 BFN, ET #2 BFP then MMC at 7w, FET #3 chemical",
        H(
            transfers_total=3,
            transfers_frozen=1,
            negative_tests=1,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "My first transfer failed, my second was a chemical and my third ended in a missed miscarriage at 8 weeks",
        H(
            transfers_total=3,
            negative_tests=1,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "Transfer 1: BFN. Transfer 2: BFN. Transfer 3: BFP, heartbeat seen, then lost at 9 weeks.",
        H(
            transfers_total=3,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "I have had 4 transfers. The last one was positive but the beta dropped",
        H(
            transfers_total=4,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "On my 4th transfer I finally got a BFP and now have a 2 year old son",
        H(transfers_total=4, positive_tests=1, live_births=1, pregnancies_after_treatment=1),
    ),
    (
        "euploid FET x2, both BFN",
        H(transfers_total=2, transfers_frozen=2, negative_tests=2, positive_tests=0, embryos_good_quality="yes"),
    ),
    (
        "PGT-A tested embryo transferred, BFN",
        H(transfers_total=1, negative_tests=1, positive_tests=0, embryos_good_quality="yes"),
    ),
    (
        "BFP on our first FET but it was a chemical, second FET BFN, third FET we saw a heartbeat and then lost the baby at 11 weeks",
        H(
            transfers_total=3,
            transfers_frozen=3,
            negative_tests=1,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(11,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    ("I had 1 transfer which was a BFN", H(transfers_total=1, negative_tests=1, positive_tests=0)),
    (
        "2 transfers, both ended in miscarriage at around 6 weeks",
        H(
            transfers_total=2,
            negative_tests=0,
            positive_tests=2,
            confirmed_miscarriages=2,
            miscarriages_after_transfer=2,
            loss_weeks=(6, 6),
            first_trimester_losses=2,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "had a BFP on my first ever transfer but it ended in a chemical",
        H(
            transfers_total=1,
            negative_tests=0,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "5dt BFN, 5dt BFN, FET BFP -> mc at 6 weeks",
        H(
            transfers_total=3,
            transfers_frozen=1,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(6,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "we had 2 euploid transfers, one chemical and one BFN",
        H(
            transfers_total=2,
            negative_tests=1,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
            embryos_good_quality="yes",
        ),
    ),
    (
        "I've had recurrent implantation failure, 5 failed transfers",
        H(transfers_total=5, negative_tests=5, positive_tests=0),
    ),
    ("3 IUIs and then 2 FETs, all BFN", H(transfers_total=2, transfers_frozen=2, negative_tests=2, positive_tests=0)),
    (
        "We did IVF, 3 transfers: BFN, BFN, chemical",
        H(
            transfers_total=3,
            negative_tests=2,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    ("no pregnancies at all after 7 transfers", H(transfers_total=7, positive_tests=0)),
    ("I've never had a positive after 4 transfers", H(transfers_total=4, positive_tests=0)),
    (
        "No miscarriages, just 3 BFNs after 3 FETs",
        H(transfers_total=3, transfers_frozen=3, negative_tests=3, positive_tests=0, confirmed_miscarriages=0),
    ),
    ("BFN on both transfers", H(transfers_total=2, negative_tests=2, positive_tests=0)),
    ("2 failed transfers and I'm waiting for my third", H(transfers_total=2, negative_tests=2, positive_tests=0)),
    ("Just had my 3rd failed FET", H(transfers_total=3, transfers_frozen=1, negative_tests=1)),
    (
        "tranfer 1 bfn tranfer 2 chemical",
        H(
            transfers_total=2,
            negative_tests=1,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "03/2021 FET - BFN\n09/2021 FET - BFN\n01/2022 FET - BFP, MC at 7wks",
        H(
            transfers_total=3,
            transfers_frozen=3,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "We did IVF and had 2 BFNs and a chemical",
        H(
            transfers_total=3,
            negative_tests=2,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "3 chemicals from IVF",
        H(
            transfers_total=3,
            positive_tests=3,
            biochemical_losses=3,
            biochemical_after_transfer=3,
            pregnancies_after_treatment=3,
        ),
    ),
    # --- rounds are not transfers: ask back -----------------------------
    ("We've done 3 rounds of IVF and nothing has worked", H(rounds_mentioned=True, rounds=3)),
    ("We've done 4 IVF cycles and 6 transfers", H(rounds_mentioned=True, rounds=4, transfers_total=6)),
    (
        "3 goes at IVF, 5 transfers in total, 1 chemical, the rest BFN",
        H(
            rounds_mentioned=True,
            rounds=3,
            transfers_total=5,
            negative_tests=4,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "IVF round 1: 2 transfers, both BFN. Round 2: FET BFP, MMC at 8 weeks",
        H(
            rounds_mentioned=True,
            rounds=2,
            transfers_total=3,
            transfers_frozen=1,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    # --- miscarriages, weeks and trimesters -----------------------------
    (
        "Three miscarriages, all before 12 weeks",
        H(confirmed_miscarriages=3, first_trimester_losses=3, second_trimester_losses=0),
    ),
    (
        "I had a missed miscarriage at 10+3 weeks and an ERPC",
        H(confirmed_miscarriages=1, loss_weeks=(10,), first_trimester_losses=1, second_trimester_losses=0),
    ),
    (
        "lost at 10w, then a chemical, then MMC at 8 weeks",
        H(
            confirmed_miscarriages=2,
            loss_weeks=(10, 8),
            first_trimester_losses=2,
            second_trimester_losses=0,
            biochemical_losses=1,
        ),
    ),
    (
        "We had a late miscarriage at 19 weeks last year and an early one at 6 weeks this year",
        H(confirmed_miscarriages=2, loss_weeks=(19, 6), first_trimester_losses=1, second_trimester_losses=1),
    ),
    (
        "miscarried twice, both around 7 weeks",
        H(confirmed_miscarriages=2, loss_weeks=(7, 7), first_trimester_losses=2, second_trimester_losses=0),
    ),
    ("MC x2", H(confirmed_miscarriages=2)),
    (
        "2 losses, one at 8 weeks and one at 15 weeks",
        H(confirmed_miscarriages=2, loss_weeks=(8, 15), first_trimester_losses=1, second_trimester_losses=1),
    ),
    (
        "3 losses: 2 chemicals and an MMC at 9 weeks",
        H(
            biochemical_losses=2,
            confirmed_miscarriages=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
        ),
    ),
    ("I've had 3 losses, 1 was a chemical", H(biochemical_losses=1, confirmed_miscarriages=2)),
    (
        "stillbirth at 26 weeks in 2020 and a miscarriage at 16 weeks",
        H(
            stillbirths=1,
            confirmed_miscarriages=1,
            loss_weeks=(16,),
            first_trimester_losses=0,
            second_trimester_losses=1,
        ),
    ),
    ("Our son was stillborn at 38 weeks", H(stillbirths=1)),
    (
        "First trimester loss at 7+2",
        H(confirmed_miscarriages=1, loss_weeks=(7,), first_trimester_losses=1, second_trimester_losses=0),
    ),
    ("we've had 6 losses in total", H(confirmed_miscarriages=6)),
    (
        "I had an ERPC after a missed miscarriage at 12 weeks",
        H(confirmed_miscarriages=1, loss_weeks=(12,), first_trimester_losses=1, second_trimester_losses=0),
    ),
    (
        "Two early miscarriages and one in the second trimester",
        H(confirmed_miscarriages=3, first_trimester_losses=2, second_trimester_losses=1),
    ),
    (
        "lost twins at 20 weeks",
        H(confirmed_miscarriages=1, loss_weeks=(20,), first_trimester_losses=0, second_trimester_losses=1),
    ),
    (
        "We lost our little girl at 22 weeks",
        H(confirmed_miscarriages=1, loss_weeks=(22,), first_trimester_losses=0, second_trimester_losses=1),
    ),
    (
        "Two MCs, both in the first trimester, no live births",
        H(confirmed_miscarriages=2, first_trimester_losses=2, second_trimester_losses=0, live_births=0),
    ),
    ("Im 41, had 4 miscarrages and 1 ectopic", H(confirmed_miscarriages=4, ectopic=1)),
    (
        "I'm 38, 2 MMCs last year (8 and 10 weeks) and currently 6 weeks pregnant",
        H(confirmed_miscarriages=2, loss_weeks=(8, 10), first_trimester_losses=2, second_trimester_losses=0),
    ),
    ("I'm 12 weeks pregnant now after 3 losses", H(confirmed_miscarriages=3)),
    (
        "2019 - MMC at 9 weeks (D&C)\n2020 - chemical\n2021 - FET BFN\n2022 - FET BFN",
        H(
            confirmed_miscarriages=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            biochemical_losses=1,
            transfers_total=2,
            transfers_frozen=2,
            negative_tests=2,
            positive_tests=0,
        ),
    ),
    ("miscarriage at 5 weeks before we even had a scan", H(biochemical_losses=1)),
    # --- chemicals -------------------------------------------------------
    ("bfp then af came 2 days later", H(positive_tests=1, biochemical_losses=1)),
    ("had a positive test but then the line faded", H(positive_tests=1, biochemical_losses=1)),
    ("Had a chemical, then ectopic, then molar. Feeling broken.", H(biochemical_losses=1, ectopic=1, molar=1)),
    # --- natural and after treatment --------------------------------------
    (
        "we've been ttc 4 years, 3 chemicals and one mmc at 9 weeks, all natural",
        H(
            biochemical_losses=3,
            biochemical_natural=3,
            confirmed_miscarriages=1,
            miscarriages_natural=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            natural_pregnancies=4,
        ),
    ),
    (
        "We've had 2 miscarriages naturally and 2 failed IVF transfers",
        H(
            confirmed_miscarriages=2,
            miscarriages_natural=2,
            natural_pregnancies=2,
            transfers_total=2,
            negative_tests=2,
            positive_tests=0,
        ),
    ),
    (
        "One chemical after IVF and one natural MMC at 10 weeks",
        H(
            transfers_total=1,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
            confirmed_miscarriages=1,
            miscarriages_natural=1,
            natural_pregnancies=1,
            loss_weeks=(10,),
            first_trimester_losses=1,
            second_trimester_losses=0,
        ),
    ),
    # --- ectopic, molar, PUL ----------------------------------------------
    ("2 ectopics and a molar pregnancy", H(ectopic=2, molar=1)),
    (
        "ectopic in 2019 (lost my left tube), then 2 failed FETs",
        H(ectopic=1, transfers_total=2, transfers_frozen=2, negative_tests=2, positive_tests=0),
    ),
    (
        "molar pregnancy in 2018, then 2 failed transfers",
        H(molar=1, transfers_total=2, negative_tests=2, positive_tests=0),
    ),
    ("PUL that resolved, then an ectopic treated with methotrexate", H(pul=1, ectopic=1)),
    # --- live births --------------------------------------------------------
    ("We have a rainbow baby after 2 MMCs", H(live_births=1, confirmed_miscarriages=2)),
    ("rainbow baby born 2022 after 2 angel babies", H(live_births=1, confirmed_miscarriages=2)),
    (
        "We have 2 kids from IVF, then 3 MMCs trying for a third",
        H(live_births=2, pregnancies_after_treatment=2, confirmed_miscarriages=3),
    ),
    ("3 BFNs, 1 BFP resulting in our rainbow daughter", H(negative_tests=3, positive_tests=1, live_births=1)),
    # --- parallel counts stay parallel ------------------------------------
    ("one transfer, one miscarriage", H(transfers_total=1, confirmed_miscarriages=1)),
    ("2 transfers and 2 miscarriages", H(transfers_total=2, confirmed_miscarriages=2)),
    # --- embryo quality and chromosome tests -------------------------------
    ("karyotypes for both of us came back normal", H(chromosome_tests_both="yes")),
    ("only I had a karyotype, my husband hasn't been tested", H(chromosome_tests_both="some")),
    ("We haven't had chromosome tests", H(chromosome_tests_both="no")),
    ("all our embryos were top grade 5AA blasts", H(embryos_good_quality="yes")),
    ("our embryos were always poor quality", H(embryos_good_quality="no")),
    ("we had mixed quality embryos, some 4AA some 3CC", H(embryos_good_quality="some")),
    # --- vague counts: ask back once -----------------------------------------
    ("a few failed transfers", H(vague=("negative_tests", "transfers_total"))),
    ("several miscarriages", H(vague=("confirmed_miscarriages",))),
    ("3 or 4 transfers", H(vague=("transfers_total",))),
    ("lots of BFNs", H(vague=("negative_tests",))),
    ("5 transfers and a few chemicals", H(transfers_total=5, vague=("biochemical_losses",))),
    ("We've had lots of losses", H(vague=("confirmed_miscarriages",))),
    ("idk how many transfers, lost count", H(vague=("transfers_total",))),
    # --- more voices: forum shorthand, lower case, timelines ------------------
    (
        "Hi, I'm 36 and we've been trying for 5 years. We've had 4 IVF transfers, all failed. Is this RIF?",
        H(transfers_total=4, negative_tests=4, positive_tests=0),
    ),
    (
        "I've had 2 miscarriages, one at 6 weeks and one at 9 weeks, both natural",
        H(
            confirmed_miscarriages=2,
            miscarriages_natural=2,
            natural_pregnancies=2,
            loss_weeks=(6, 9),
            first_trimester_losses=2,
            second_trimester_losses=0,
        ),
    ),
    (
        "We had a BFP from our first FET but it was an ectopic",
        H(
            transfers_total=1,
            transfers_frozen=1,
            negative_tests=0,
            positive_tests=1,
            ectopic=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "our first transfer was a chemical and the second was negative",
        H(
            transfers_total=2,
            negative_tests=1,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "after 6 years ttc, 2 rounds of ivf, 4 transfers total: 2 bfn, 1 cp, 1 mmc at 10w",
        H(
            rounds_mentioned=True,
            rounds=2,
            transfers_total=4,
            negative_tests=2,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(10,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "I've had 2 early losses and one at 14 weeks",
        H(confirmed_miscarriages=3, loss_weeks=(14,), first_trimester_losses=2, second_trimester_losses=1),
    ),
    (
        "i had a miscarriage in 2020 at 8 weeks then another one in 2021 at 11 weeks",
        H(confirmed_miscarriages=2, loss_weeks=(8, 11), first_trimester_losses=2, second_trimester_losses=0),
    ),
    (
        "two failed fresh transfers and one failed frozen",
        H(transfers_total=3, transfers_fresh=2, transfers_frozen=1, negative_tests=3, positive_tests=0),
    ),
    ("We've lost 3 babies", H(confirmed_miscarriages=3)),
    (
        "got pregnant naturally twice, lost both at 7 weeks",
        H(
            confirmed_miscarriages=2,
            miscarriages_natural=2,
            natural_pregnancies=2,
            loss_weeks=(7, 7),
            first_trimester_losses=2,
            second_trimester_losses=0,
        ),
    ),
    (
        "Two transfers so far - first was a BFN, second was a BFP but I miscarried at 6 weeks.",
        H(
            transfers_total=2,
            negative_tests=1,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(6,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "FET 1 = BFN, FET 2 = chemical, FET 3 = BFN, FET 4 = MMC 8w",
        H(
            transfers_total=4,
            transfers_frozen=4,
            negative_tests=2,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    ("my beta was positive but then dropped", H(positive_tests=1, biochemical_losses=1)),
    ("we have one child and have had 3 miscarriages since", H(live_births=1, confirmed_miscarriages=3)),
    ("all 3 of our transfers failed", H(transfers_total=3, negative_tests=3, positive_tests=0)),
    (
        "Had my 2nd MMC last week at 9+5, first one was in 2022 at 8 weeks",
        H(confirmed_miscarriages=2, loss_weeks=(8, 9), first_trimester_losses=2, second_trimester_losses=0),
    ),
    (
        "FET number 4 failed, previous 3 also failed",
        H(transfers_total=4, transfers_frozen=1, negative_tests=4, positive_tests=0),
    ),
    (
        "I had my first baby naturally in 2018. Since then 2 MMCs and 3 chemicals, and 2 failed FETs.",
        H(
            live_births=1,
            natural_pregnancies=1,
            confirmed_miscarriages=2,
            biochemical_losses=3,
            transfers_total=2,
            transfers_frozen=2,
            negative_tests=2,
            positive_tests=0,
        ),
    ),
    (
        "we've had 3 unexplained losses between 6 and 10 weeks",
        H(confirmed_miscarriages=3, first_trimester_losses=3, second_trimester_losses=0),
    ),
    (
        "2 natural chemicals then IVF with 2 BFNs",
        H(biochemical_losses=2, biochemical_natural=2, natural_pregnancies=2, transfers_total=2, negative_tests=2),
    ),
    (
        "Blighted ovum at 8 weeks, then a chemical",
        H(
            confirmed_miscarriages=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            biochemical_losses=1,
        ),
    ),
    (
        "my last 2 transfers were chemicals",
        H(
            transfers_total=2,
            negative_tests=0,
            positive_tests=2,
            biochemical_losses=2,
            biochemical_after_transfer=2,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "We had a positive test but no heartbeat at the 7 week scan",
        H(
            positive_tests=1,
            confirmed_miscarriages=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
        ),
    ),
    ("ive had 3 mc and 2 cp", H(confirmed_miscarriages=3, biochemical_losses=2)),
    (
        "FET#1 bfn FET#2 bfn FET#3 bfp mmc 7w FET#4 bfn",
        H(
            transfers_total=4,
            transfers_frozen=4,
            negative_tests=3,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "2 fresh cycles with no transfer (freeze all) then 3 FETs, 2 BFN, 1 BFP ongoing",
        H(
            rounds_mentioned=True,
            rounds=2,
            transfers_total=3,
            transfers_frozen=3,
            negative_tests=2,
            positive_tests=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "Lost our son at 21 weeks in 2021 and a daughter at 23 weeks in 2023",
        H(confirmed_miscarriages=2, loss_weeks=(21, 23), first_trimester_losses=0, second_trimester_losses=2),
    ),
    (
        "The first 2 transfers failed, the third gave us our daughter",
        H(transfers_total=3, negative_tests=2, positive_tests=1, live_births=1, pregnancies_after_treatment=1),
    ),
    ("I've never been pregnant despite 6 transfers", H(transfers_total=6, positive_tests=0)),
    (
        "ttc #1 for 3 yrs, 2 mc (6w, 8w), 1 cp, 3 ivf cycles, 4 fet all bfn, dh and me karyotype normal",
        H(
            confirmed_miscarriages=2,
            loss_weeks=(6, 8),
            first_trimester_losses=2,
            second_trimester_losses=0,
            biochemical_losses=1,
            rounds_mentioned=True,
            rounds=3,
            transfers_total=4,
            transfers_frozen=4,
            negative_tests=4,
            positive_tests=0,
            chromosome_tests_both="yes",
        ),
    ),
    ("had 2 mmcs, 1 with d&c 1 with miso, then 1 cp", H(confirmed_miscarriages=2, biochemical_losses=1)),
    (
        "back to back losses x3, all before 10 weeks",
        H(confirmed_miscarriages=3, first_trimester_losses=3, second_trimester_losses=0),
    ),
    (
        "i've had 1 ectopic, 1 mmc, 2 cp's. 1 dd born 2021 via icsi",
        H(ectopic=1, confirmed_miscarriages=1, biochemical_losses=2, live_births=1, pregnancies_after_treatment=1),
    ),
    (
        "lost 2 at 12w and 16w",
        H(confirmed_miscarriages=2, loss_weeks=(12, 16), first_trimester_losses=1, second_trimester_losses=1),
    ),
    (
        "I miscarried at 7 weeks in March and again at 9 weeks in September",
        H(confirmed_miscarriages=2, loss_weeks=(7, 9), first_trimester_losses=2, second_trimester_losses=0),
    ),
    (
        "so 2 chemicals, one mmc and one ectopic, thats 4 losses",
        H(biochemical_losses=2, confirmed_miscarriages=1, ectopic=1),
    ),
    (
        "my first pregnancy ended in miscarriage, second was ectopic, third is my son",
        H(confirmed_miscarriages=1, ectopic=1, live_births=1),
    ),
    # --- not the user's history: questions, fears, friends --------------------
    ("how many failed transfers count as RIF?", H()),
    ("does a chemical pregnancy count as a miscarriage?", H()),
    ("should I ask for a karyotype?", H()),
    ("I'm so scared of another miscarriage", H()),
    ("my friend had 3 miscarriages and then a baby", H()),
    ("what is a good embryo grade", H()),
    ("we have 3 frosties left and I've been on progesterone for 8 weeks", H()),
    ("lost count of how many BFNs", H(vague=("negative_tests",))),
    # --- written blind (expectations first, then run) ---------------------------
    (
        "Three failed FETs and one chemical with a fresh transfer",
        H(
            transfers_total=4,
            transfers_frozen=3,
            transfers_fresh=1,
            negative_tests=3,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "we had 2 BFNs, then our 3rd transfer was a BFP, sadly it was a missed miscarriage found at our 12 week scan",
        H(
            transfers_total=3,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(12,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    ("I have had five miscarriages", H(confirmed_miscarriages=5)),
    ("4 x mc, all first tri", H(confirmed_miscarriages=4, first_trimester_losses=4, second_trimester_losses=0)),
    (
        "2 ectopics (lost both tubes) so IVF is our only option now, 1st FET was BFN",
        H(ectopic=2, transfers_total=1, transfers_frozen=1, negative_tests=1, positive_tests=0),
    ),
    (
        "i had 1 chemical and 2 mmc's naturally before we started ivf. since then 2 fets, both bfn",
        H(
            biochemical_losses=1,
            biochemical_natural=1,
            confirmed_miscarriages=2,
            miscarriages_natural=2,
            natural_pregnancies=3,
            transfers_total=2,
            transfers_frozen=2,
            negative_tests=2,
            positive_tests=0,
        ),
    ),
    (
        "Our IVF journey: 3 egg collections, 5 transfers, 0 positives",
        H(rounds_mentioned=True, rounds=3, transfers_total=5, positive_tests=0),
    ),
    (
        "Had a miscarriage at 17 weeks",
        H(confirmed_miscarriages=1, loss_weeks=(17,), first_trimester_losses=0, second_trimester_losses=1),
    ),
    (
        "mmc at 8w (d&c), cp, cp, bfn",
        H(
            confirmed_miscarriages=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            biochemical_losses=2,
            negative_tests=1,
        ),
    ),
    (
        "after IVF we had a chemical, then a BFN, then an MMC at 9 weeks",
        H(
            transfers_total=3,
            negative_tests=1,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "We've done 7 transfers. Only one resulted in a pregnancy, which ended in a miscarriage at 6 weeks.",
        H(
            transfers_total=7,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(6,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    ("3 chemicals", H(biochemical_losses=3)),
    ("no pregnancies yet, 2 failed ICSI cycles", H(positive_tests=0, rounds_mentioned=True, rounds=2)),
    (
        "My husband and I have both been karyotyped, all fine. We've had 3 early miscarriages.",
        H(chromosome_tests_both="yes", confirmed_miscarriages=3, first_trimester_losses=3, second_trimester_losses=0),
    ),
    (
        "we transferred our last euploid embryo in may and got a bfn",
        H(transfers_total=1, negative_tests=1, positive_tests=0, embryos_good_quality="yes"),
    ),
    ("1 mmc, 1 ectopic, 1 molar, 1 chemical", H(confirmed_miscarriages=1, ectopic=1, molar=1, biochemical_losses=1)),
    (
        "2 successful transfers (my 2 boys) and 2 failed ones",
        H(transfers_total=4, positive_tests=2, negative_tests=2, live_births=2, pregnancies_after_treatment=2),
    ),
    (
        "I have had 4 losses in total: 2 natural and 2 after IVF",
        H(
            confirmed_miscarriages=4,
            miscarriages_natural=2,
            miscarriages_after_transfer=2,
            natural_pregnancies=2,
            pregnancies_after_treatment=2,
            transfers_total=2,
            positive_tests=2,
        ),
    ),
    (
        "lost a baby at 10 weeks in 2019 and another at 12 weeks in 2020",
        H(confirmed_miscarriages=2, loss_weeks=(10, 12), first_trimester_losses=2, second_trimester_losses=0),
    ),
    ("Actually I've only had 2 transfers, not 3", H(transfers_total=2)),
    ("several chemicals and 2 MMCs", H(confirmed_miscarriages=2, vague=("biochemical_losses",))),
    ("We did 2 rounds of IVF", H(rounds_mentioned=True, rounds=2)),
    ("my DH and I are doing ok thanks", H()),
    ("had a d&c", H(confirmed_miscarriages=1)),
    (
        "5 FETs: 3 BFN, 1 CP, 1 MMC",
        H(
            transfers_total=5,
            transfers_frozen=5,
            negative_tests=3,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "- 2020: fresh ET, BFN\n- 2021: FET, BFP, MMC 10w, D&C\n- 2022: FET, chemical\n- 2023: FET, BFN",
        H(
            transfers_total=4,
            transfers_fresh=1,
            transfers_frozen=3,
            negative_tests=2,
            positive_tests=2,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(10,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    (
        "we've had 4 miscarriages, the latest at 11 weeks",
        H(confirmed_miscarriages=4, loss_weeks=(11,), first_trimester_losses=1),
    ),
    ("Two chemical pregnancies and a blighted ovum", H(biochemical_losses=2, confirmed_miscarriages=1)),
    (
        "how do I know if I have RIF? we've had 3 failed transfers with good embryos",
        H(transfers_total=3, negative_tests=3, positive_tests=0, embryos_good_quality="yes"),
    ),
    ("I've had numerous failed transfers", H(vague=("negative_tests", "transfers_total"))),
    ("I've had 3 rounds of IVF", H(rounds_mentioned=True, rounds=3)),
    (
        "our second FET ended in a chemical",
        H(
            transfers_total=2,
            transfers_frozen=1,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "we have a daughter from our 1st FET, then 3 BFNs",
        H(
            transfers_total=4,
            transfers_frozen=1,
            positive_tests=1,
            negative_tests=3,
            live_births=1,
            pregnancies_after_treatment=1,
        ),
    ),
    ("i had an ectopic and lost my tube last year", H(ectopic=1)),
    (
        "3 mmcs, 1 at 6 weeks, 1 at 8 weeks, 1 at 13 weeks",
        H(confirmed_miscarriages=3, loss_weeks=(6, 8, 13), first_trimester_losses=2, second_trimester_losses=1),
    ),
    ("Embryo transfer x 4, no pregnancy", H(transfers_total=4, positive_tests=0)),
    (
        "I lost my baby at 16 weeks",
        H(confirmed_miscarriages=1, loss_weeks=(16,), first_trimester_losses=0, second_trimester_losses=1),
    ),
    (
        "2 IVF babies and 1 natural MC",
        H(
            live_births=2,
            pregnancies_after_treatment=2,
            confirmed_miscarriages=1,
            miscarriages_natural=1,
            natural_pregnancies=1,
        ),
    ),
    (
        "we've done 2 FETs and both didn't work",
        H(transfers_total=2, transfers_frozen=2, negative_tests=2, positive_tests=0),
    ),
    ("chemical in jan, chemical in april, MMC in august", H(biochemical_losses=2, confirmed_miscarriages=1)),
    ("i'm really struggling after our third failed transfer", H(transfers_total=3, negative_tests=1)),
    ("no losses, 0 positives, 3 transfers", H(confirmed_miscarriages=0, positive_tests=0, transfers_total=3)),
    ("Had 5 transfers, I think 2 or 3 were chemicals", H(transfers_total=5, vague=("biochemical_losses",))),
    (
        "We've had a few chemicals and one MMC at 7 weeks",
        H(
            confirmed_miscarriages=1,
            loss_weeks=(7,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            vague=("biochemical_losses",),
        ),
    ),
    ("4 losses. sorry, 5", H(confirmed_miscarriages=5, corrections=("confirmed_miscarriages",))),
    (
        "misscarriage at 6wks and a chemical pregnancy after our frist transfer",
        H(
            confirmed_miscarriages=1,
            loss_weeks=(6,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            transfers_total=1,
            positive_tests=1,
            negative_tests=0,
            pregnancies_after_treatment=1,
        ),
    ),
    ("bfn bfn bfn bfp(chemical) bfn", H(negative_tests=4, positive_tests=1, biochemical_losses=1)),
    (
        "IVF x2, FET x3. All negative apart from one chemical",
        H(
            rounds_mentioned=True,
            rounds=2,
            transfers_total=3,
            transfers_frozen=3,
            negative_tests=2,
            positive_tests=1,
            biochemical_losses=1,
            biochemical_after_transfer=1,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "we've lost 2 pregnancies, both before 8 weeks",
        H(confirmed_miscarriages=2, first_trimester_losses=2, second_trimester_losses=0),
    ),
    ("6 rounds of ivf and we still have no baby", H(rounds_mentioned=True, rounds=6)),
    (
        "i've had one natural miscarriage and 2 failed ivf transfers",
        H(
            confirmed_miscarriages=1,
            miscarriages_natural=1,
            natural_pregnancies=1,
            transfers_total=2,
            negative_tests=2,
            positive_tests=0,
        ),
    ),
    (
        "2 x fresh transfers - both negative, 1 x frozen - positive but miscarried at 8 weeks",
        H(
            transfers_total=3,
            transfers_fresh=2,
            transfers_frozen=1,
            negative_tests=2,
            positive_tests=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(8,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=1,
        ),
    ),
    (
        "My history: 3 pregnancies, 3 losses (6w, 7w, 10w)",
        H(confirmed_miscarriages=3, loss_weeks=(6, 7, 10), first_trimester_losses=3, second_trimester_losses=0),
    ),
    (
        "We had IVF with ICSI, 8 embryos, 4 transferred one at a time, all BFN",
        H(transfers_total=4, negative_tests=4, positive_tests=0),
    ),
    (
        "ET in 2019 = twins, born 2020. FET 2022 = MMC 9w",
        H(
            transfers_total=2,
            transfers_frozen=1,
            positive_tests=2,
            negative_tests=0,
            live_births=1,
            confirmed_miscarriages=1,
            miscarriages_after_transfer=1,
            loss_weeks=(9,),
            first_trimester_losses=1,
            second_trimester_losses=0,
            pregnancies_after_treatment=2,
        ),
    ),
    ("no luck with 2 transfers", H(transfers_total=2, negative_tests=2, positive_tests=0)),
    ("tranfser 1 bfn, trnasfer 2 bfn", H(transfers_total=2, negative_tests=2, positive_tests=0)),
    ("3 transfers, 1 in 2019 and 2 in 2020", H(transfers_total=3)),
    # --- corrections within one message ---------------------------------------
    ("I've had 3 transfers. Actually it was 4 transfers", H(transfers_total=4, corrections=("transfers_total",))),
    ("2 chemicals, sorry, 3 not 2", H(biochemical_losses=3, corrections=("biochemical_losses",))),
    (
        "We did 2 transfers, both negative... wait, 3 transfers, all negative",
        H(transfers_total=3, negative_tests=3, positive_tests=0, corrections=("transfers_total", "negative_tests")),
    ),
    ("2 miscarriages, sorry, 3", H(confirmed_miscarriages=3, corrections=("confirmed_miscarriages",))),
    ("it was 3 MMCs not 2", H(confirmed_miscarriages=3)),
]


@pytest.mark.parametrize("text,expected", NARRATIVES, ids=[f"n{i:03d}" for i in range(len(NARRATIVES))])
def test_narratives(text, expected):
    assert parse_history(text).said() == expected.said()


def test_there_are_enough_narratives():
    assert len(NARRATIVES) >= 80


# (previous History, what the user adds, the merged History)
FOLLOW_UPS = [
    (
        H(transfers_total=3, negative_tests=3, positive_tests=0),
        "I also had a chemical last year naturally",
        H(
            transfers_total=3,
            negative_tests=3,
            positive_tests=0,
            biochemical_losses=1,
            biochemical_natural=1,
            natural_pregnancies=1,
        ),
    ),
    (
        H(transfers_total=2, negative_tests=2, positive_tests=0),
        "another failed FET since then",
        H(transfers_total=3, transfers_frozen=1, negative_tests=3, positive_tests=0),
    ),
    (
        H(confirmed_miscarriages=2),
        "actually 3 MMCs not 2",
        H(confirmed_miscarriages=3, corrections=("confirmed_miscarriages",)),
    ),
    (
        H(transfers_total=3, transfers_fresh=2, transfers_frozen=1, negative_tests=3, positive_tests=0),
        "sorry, it was 4 transfers",
        H(transfers_total=4, negative_tests=3, positive_tests=0, corrections=("transfers_total",)),
    ),
    (H(vague=("transfers_total",)), "5 transfers", H(transfers_total=5)),
    (H(transfers_total=4), "thanks", H(transfers_total=4)),
]


@pytest.mark.parametrize("previous,text,expected", FOLLOW_UPS)
def test_follow_ups_override_only_what_they_name(previous, text, expected):
    assert parse_history(text, previous=previous).said() == expected.said()


# (slot, answer, context, value, problem, vague, facts it also told us)
ANSWERS = [
    # embryo_transfers
    ("embryo_transfers", "3", None, 3, None, False, {"transfers_total": 3}),
    ("embryo_transfers", "three", None, 3, None, False, {"transfers_total": 3}),
    ("embryo_transfers", "twenty-one", None, 21, None, False, {"transfers_total": 21}),
    (
        "embryo_transfers",
        "2 fresh and 1 frozen",
        None,
        3,
        None,
        False,
        {"transfers_total": 3, "transfers_fresh": 2, "transfers_frozen": 1},
    ),
    ("embryo_transfers", "twice", None, 2, None, False, {"transfers_total": 2}),
    ("embryo_transfers", "a couple", None, 2, None, False, {"transfers_total": 2}),
    ("embryo_transfers", "none", None, 0, None, False, None),
    ("embryo_transfers", "we've never had a transfer", None, 0, None, False, None),
    (
        "embryo_transfers",
        "4, all failed",
        None,
        4,
        None,
        False,
        {"transfers_total": 4, "negative_tests": 4, "positive_tests": 0},
    ),
    (
        "embryo_transfers",
        "3 BFNs and a BFP",
        None,
        4,
        None,
        False,
        {"transfers_total": 4, "negative_tests": 3, "positive_tests": 1, "pregnancies_after_treatment": 1},
    ),
    ("embryo_transfers", "3 or 4", None, None, AMBIGUOUS, True, None),
    ("embryo_transfers", "a few", None, None, AMBIGUOUS, True, None),
    ("embryo_transfers", "not sure", None, UNKNOWN, None, False, None),
    ("embryo_transfers", "3 rounds of IVF", None, None, ROUNDS_NOT_TRANSFERS, True, None),
    ("embryo_transfers", "banana", None, None, NOT_A_NUMBER, False, None),
    ("embryo_transfers", "-2", None, None, NEGATIVE, False, None),
    ("embryo_transfers", "45", None, None, TOO_LARGE, False, None),
    # positive_tests
    ("positive_tests", "1", H(transfers_total=3), 1, None, False, None),
    (
        "positive_tests",
        "one, but it was a chemical",
        H(transfers_total=3),
        1,
        None,
        False,
        {
            "positive_tests": 1,
            "biochemical_losses": 1,
            "biochemical_after_transfer": 1,
            "pregnancies_after_treatment": 1,
        },
    ),
    ("positive_tests", "all of them", H(transfers_total=3), 3, None, False, None),
    ("positive_tests", "all of them", None, None, NEEDS_CONTEXT, False, None),
    ("positive_tests", "both", H(transfers_total=2), 2, None, False, None),
    ("positive_tests", "none", H(transfers_total=3), 0, None, False, None),
    ("positive_tests", "never", H(transfers_total=3), 0, None, False, None),
    ("positive_tests", "4", H(transfers_total=3), 4, POSITIVES_EXCEED_TRANSFERS, False, None),
    (
        "positive_tests",
        "2, both ended in MMC",
        H(transfers_total=3),
        2,
        None,
        False,
        {
            "positive_tests": 2,
            "confirmed_miscarriages": 2,
            "miscarriages_after_transfer": 2,
            "pregnancies_after_treatment": 2,
        },
    ),
    ("positive_tests", "one chemical and one mmc", None, 2, None, False, None),
    ("positive_tests", "idk", None, UNKNOWN, None, False, None),
    ("positive_tests", "several", None, None, AMBIGUOUS, True, None),
    # confirmed_losses
    ("confirmed_losses", "2", None, 2, None, False, None),
    (
        "confirmed_losses",
        "one at 8 weeks and one at 15",
        None,
        2,
        None,
        False,
        {"confirmed_miscarriages": 2, "loss_weeks": (8, 15), "first_trimester_losses": 1, "second_trimester_losses": 1},
    ),
    (
        "confirmed_losses",
        "two MMCs and a chemical",
        None,
        2,
        None,
        False,
        {"confirmed_miscarriages": 2, "biochemical_losses": 1},
    ),
    (
        "confirmed_losses",
        "3 but one was a chemical",
        None,
        2,
        None,
        False,
        {"confirmed_miscarriages": 2, "biochemical_losses": 1},
    ),
    ("confirmed_losses", "none", None, 0, None, False, None),
    ("confirmed_losses", "no idea", None, UNKNOWN, None, False, None),
    ("confirmed_losses", "3 or 4", None, None, AMBIGUOUS, True, None),
    # losses_first_trimester
    ("losses_first_trimester", "yes", None, "yes", None, False, None),
    (
        "losses_first_trimester",
        "at 8 and 15 weeks",
        None,
        "some",
        None,
        False,
        {"confirmed_miscarriages": 2, "loss_weeks": (8, 15), "first_trimester_losses": 1, "second_trimester_losses": 1},
    ),
    ("losses_first_trimester", "first trimester", None, "yes", None, False, None),
    ("losses_first_trimester", "early", None, "yes", None, False, None),
    (
        "losses_first_trimester",
        "both were early, around 8 weeks",
        None,
        "yes",
        None,
        False,
        {"confirmed_miscarriages": 2, "loss_weeks": (8, 8), "first_trimester_losses": 2, "second_trimester_losses": 0},
    ),
    ("losses_first_trimester", "no, 16 weeks", None, "no", None, False, None),
    ("losses_first_trimester", "second trimester", None, "no", None, False, None),
    ("losses_first_trimester", "one early, one at 14 weeks", None, "some", None, False, None),
    ("losses_first_trimester", "not sure", None, UNKNOWN, None, False, None),
    ("losses_first_trimester", "purple", None, None, NOT_YES_NO, False, None),
    # embryos_good_quality
    ("embryos_good_quality", "all top grade", None, "yes", None, False, None),
    ("embryos_good_quality", "5AA", None, "yes", None, False, None),
    ("embryos_good_quality", "they were euploid", None, "yes", None, False, None),
    ("embryos_good_quality", "PGT tested", None, "yes", None, False, None),
    ("embryos_good_quality", "poor quality", None, "no", None, False, None),
    ("embryos_good_quality", "lower grade", None, "no", None, False, None),
    ("embryos_good_quality", "mixed", None, "some", None, False, None),
    ("embryos_good_quality", "we were never told the grades", None, UNKNOWN, None, False, None),
    ("embryos_good_quality", "yes", None, "yes", None, False, None),
    # chromosome_tests_both
    ("chromosome_tests_both", "we both had karyotypes, normal", None, "yes", None, False, None),
    ("chromosome_tests_both", "yes both", None, "yes", None, False, None),
    ("chromosome_tests_both", "only me", None, "some", None, False, None),
    ("chromosome_tests_both", "just my husband", None, "some", None, False, None),
    ("chromosome_tests_both", "no", None, "no", None, False, None),
    ("chromosome_tests_both", "not yet, booked for next month", None, "no", None, False, None),
    ("chromosome_tests_both", "not sure", None, UNKNOWN, None, False, None),
    ("chromosome_tests_both", "banana", None, None, NOT_YES_NO, False, None),
    ("chromosome_tests_both", "me yes, him no", None, "some", None, False, None),
    ("chromosome_tests_both", "we haven't", None, "no", None, False, None),
    ("chromosome_tests_both", "my husband has a balanced translocation", None, "some", None, False, None),
    # more counts
    (
        "embryo_transfers",
        "1 fresh 3 frozen",
        None,
        4,
        None,
        False,
        {"transfers_total": 4, "transfers_fresh": 1, "transfers_frozen": 3},
    ),
    (
        "embryo_transfers",
        "3 (2 fresh, 1 frozen)",
        None,
        3,
        None,
        False,
        {"transfers_total": 3, "transfers_fresh": 2, "transfers_frozen": 1},
    ),
    ("embryo_transfers", "about 4", None, 4, None, False, {"transfers_total": 4}),
    ("embryo_transfers", "5+", None, None, AMBIGUOUS, True, None),
    (
        "embryo_transfers",
        "2 rounds, 3 transfers",
        None,
        3,
        None,
        False,
        {"transfers_total": 3, "rounds_mentioned": True, "rounds": 2},
    ),
    (
        "positive_tests",
        "2 but both were chemicals",
        H(transfers_total=3),
        2,
        None,
        False,
        {
            "positive_tests": 2,
            "biochemical_losses": 2,
            "biochemical_after_transfer": 2,
            "pregnancies_after_treatment": 2,
        },
    ),
    ("positive_tests", "none, all bfn", H(transfers_total=3), 0, None, False, {"positive_tests": 0}),
    ("confirmed_losses", "1 ectopic", None, 0, None, False, {"confirmed_miscarriages": 0, "ectopic": 1}),
    ("confirmed_losses", "none, only chemicals", None, 0, None, False, None),
    (
        "confirmed_losses",
        "2, both early",
        None,
        2,
        None,
        False,
        {"confirmed_miscarriages": 2, "first_trimester_losses": 2, "second_trimester_losses": 0},
    ),
    ("losses_first_trimester", "no", None, "no", None, False, {}),
    ("losses_first_trimester", "one was", None, "some", None, False, None),
    ("losses_first_trimester", "18 weeks", None, "no", None, False, None),
    ("embryos_good_quality", "not great", None, "no", None, False, None),
    ("embryos_good_quality", "4AB and 3BC", None, "some", None, False, None),
]


@pytest.mark.parametrize(
    "slot,text,context,value,problem,vague,facts", ANSWERS, ids=[f"{a[0]}:{a[1]}" for a in ANSWERS]
)
def test_answers(slot, text, context, value, problem, vague, facts):
    answer = parse_answer(slot, text, context=context)
    assert isinstance(answer, ParsedAnswer)
    assert (answer.value, answer.problem, answer.vague) == (value, problem, vague)
    if facts is not None:
        assert answer.facts.said() == facts


def test_there_are_enough_answers():
    assert len(ANSWERS) >= 40


def test_a_history_answers_the_form_slots():
    history = parse_history(
        "2 fresh and 1 frozen transfer, all BFN, then 2 MMCs at 8 and 15 weeks, we both had karyotypes"
    )
    assert history.to_slots() == {
        "embryo_transfers": 3,
        "positive_tests": 0,
        "confirmed_losses": 2,
        "losses_first_trimester": "some",
        "chromosome_tests_both": "yes",
    }


def test_not_a_history_question():
    with pytest.raises(ValueError):
        parse_answer("user_region", "UK")


def test_empty_and_huge_texts():
    assert parse_history("").is_empty
    assert parse_history("x" * 100_000).is_empty
    repeated = parse_history("3 transfers " * 2000)  # adds up past MAX_COUNT: "a lot", asked back
    assert repeated.transfers_total is None and "transfers_total" in repeated.vague


@pytest.mark.parametrize(
    "text",
    ["I have had 99999999 failed transfers, is that RIF?", "999999999999 transfer", "31 miscarriages", "9" * 5000],
)
def test_counts_past_the_maximum_are_a_lot_not_units(text):
    history = parse_history(text)
    assert all(value is None or value <= 30 for value in history.to_slots().values() if isinstance(value, int))
    assert history.vague or history.is_empty


@pytest.mark.parametrize(
    "text, value",
    [
        ("one stillbirth", 0),
        ("none, but a stillbirth", 0),
        ("a stillbirth and a miscarriage", 1),
        ("2, one at 25 weeks", 1),
    ],
)
def test_a_stillbirth_is_never_a_confirmed_miscarriage(text, value):
    answer = parse_answer("confirmed_losses", text)
    assert answer.value == value and answer.facts.stillbirths == 1
