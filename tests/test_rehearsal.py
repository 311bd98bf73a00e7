"""Rehearsal: the scenario library, the counterpart, asides, safety, feedback and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.chain.guide import Guide
from assistant.engines.prompting import build_messages
from assistant.guidance.rehearsal import FEEDBACK, REHEARSAL
from assistant.guidance.session import Session
from assistant.index.store import open_store
from assistant.plan import Reply
from assistant.rehearsal.export import to_markdown, transcript
from assistant.rehearsal.scenarios import bundled_dir, load_library, parse_scenario
from tests.support.scripted import ScriptedEngine
from ui.cli import app

SCRIPTS = yaml.safe_load((Path(__file__).parent / "data" / "rehearsal_scripts.yaml")
                         .read_text(encoding="utf-8"))
LIBRARY = load_library([bundled_dir()])
#: The conversations the library must hold, by who rehearses them.
WANTED = {
    "mentee": {"ask-to-be-mentor", "first-meeting-agreement", "receiving-critical-feedback",
               "reviving-stalled-relationship", "asking-for-sponsorship", "ending-or-rescoping",
               "disagreeing-with-advice"},
    "mentor": {"mentee-resists-feedback", "mentee-misses-meetings", "mentee-in-distress"},
}
runner = CliRunner()


def play(guide: Guide, scenario_id: str, lines: list[str]) -> tuple[Session, list[Reply]]:
    """A whole rehearsal: the opening, each line, then "end" unless it is already over."""
    session = Session()
    replies = [guide.rehearse(session, scenario_id)]
    for line in lines:
        if not session.extras.get(REHEARSAL):
            break
        replies.append(guide.ask(session, line))
    if session.extras.get(REHEARSAL):
        replies.append(guide.ask(session, "end"))
    return session, replies


# --- the library ----------------------------------------------------------------------------


def test_the_library_holds_every_scenario_the_program_needs() -> None:
    assert not LIBRARY.problems
    found = {who: {s.id for s in LIBRARY.scenarios if s.audience == who} for who in WANTED}
    assert all(WANTED[who] <= found[who] for who in WANTED)
    assert len(LIBRARY.scenarios) >= 10
    for scenario in LIBRARY.scenarios:
        assert set(scenario.summary()) == {"id", "title", "for", "objective"}
        assert all(len(item.examples) >= 3 and item.sources for item in scenario.rubric)


def test_every_rubric_source_is_a_real_section_of_the_starter_corpus(starter_settings) -> None:
    store = open_store(starter_settings)
    missing = [f"{s.id}: {src.document} > {src.section}" for s in LIBRARY.scenarios
               for src in s.sources if not store.section_chunks(src.document, src.section)]
    assert not missing


def test_a_bad_scenario_file_is_reported_by_file_and_field_and_the_rest_load(
        tmp_path: Path) -> None:
    good = (bundled_dir() / "ask-to-be-mentor.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(good)
    data["rubric"][1]["examples"] = ["only one"]
    data["persona"].pop("temperament")
    data["end"]["requires"] = ["no-such-item"]
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "not-yaml.yaml").write_text("id: [unclosed", encoding="utf-8")
    mine = yaml.safe_load(good) | {"id": "our-own-ask", "title": "Our own ask"}
    (tmp_path / "our-own.yaml").write_text(yaml.safe_dump(mine), encoding="utf-8")

    library = load_library([bundled_dir(), tmp_path])

    problems = "\n".join(library.problems)
    assert "broken.yaml: rubric[1] (id 'why-this-person').examples:" in problems
    assert "broken.yaml: persona.temperament: required field is missing" in problems
    assert "not-yaml.yaml: invalid YAML" in problems
    assert library.get("our-own-ask") is not None and len(library.scenarios) == 11
    with pytest.raises(ValueError, match=r"end\.requires names no rubric item: no-such-item"):
        parse_scenario(yaml.safe_dump(data | {"persona": yaml.safe_load(good)["persona"],
                                              "rubric": yaml.safe_load(good)["rubric"]}),
                       "x.yaml")


def test_staff_scenarios_come_from_the_settings_folder(starter_settings, embedder, tmp_path,
                                                       monkeypatch) -> None:
    mine = yaml.safe_load((bundled_dir() / "ask-to-be-mentor.yaml").read_text(encoding="utf-8"))
    (tmp_path / "ours.yaml").write_text(yaml.safe_dump(mine | {"id": "ours"}), encoding="utf-8")
    guide = Guide(starter_settings.model_copy(update={"scenarios_dir": tmp_path}),
                  embedder=embedder)
    assert guide.scenarios.get("ours") is not None


# --- playing a scenario ---------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _parrots(reply: str, line: str, n: int = 5) -> bool:
    """The reply repeats a run of ``n`` of the learner's words."""
    said = _words(line)
    runs = {" ".join(said[i:i + n]) for i in range(len(said) - n + 1)}
    return any(run in " ".join(_words(reply)) for run in runs)


@pytest.mark.parametrize("scenario_id", sorted(SCRIPTS))
def test_a_strong_learner_meets_more_items_than_a_weak_one_with_their_own_words(
        guide: Guide, scenario_id: str) -> None:
    scenario = LIBRARY.get(scenario_id)
    assert scenario is not None
    outcomes = {}
    for kind in ("strong", "weak"):
        lines = SCRIPTS[scenario_id][kind]
        session, replies = play(guide, scenario_id, lines)
        feedback = session.extras[FEEDBACK]
        outcomes[kind] = feedback
        counterpart = [r for r in replies if r.mode == "rehearsal"]
        label = f"[Rehearsal: {scenario.persona.name}]"
        assert all(r.text.split("\n", 1)[0] == label for r in counterpart)
        spoken = [line for r in counterpart for line in r.text.split("\n")[1:]
                  if not line.startswith("(")]
        assert len(spoken) == len(set(spoken)), "the counterpart repeated itself"
        assert not any(_parrots(r.text, line) for r, line in zip(replies[1:], lines,
                                                                 strict=False)
                       if r.mode == "rehearsal")
        final = replies[-1]
        assert final.label == "[Coaching]" and "rehearsal" in final.text
        for met in feedback["met"]:
            assert any(met["evidence"] in line for line in lines)
            assert f"\u201c{met['evidence']}\u201d" in final.text
        if feedback["met"]:
            sources = {(s.document, s.section) for s in scenario.sources}
            assert final.citations
            assert all(c.source in {d for d, _ in sources} for c in final.citations)
        assert 1 <= len(feedback["questions"]) <= 2
    strong, weak = outcomes["strong"], outcomes["weak"]
    assert len(strong["met"]) >= len(scenario.rubric) - 1
    assert len(strong["met"]) > len(weak["met"]) and len(weak["met"]) <= 1


def test_the_distress_scenario_ends_in_a_referral_not_a_goal(guide: Guide) -> None:
    _, replies = play(guide, "mentee-in-distress", SCRIPTS["mentee-in-distress"]["strong"])
    assert all(r.mode != "safety" for r in replies)  # a mentor asking about safety is practice
    closing = next(r for r in replies if "come to an end" in r.text)
    assert "wellbeing service" in closing.text
    feedback = replies[-1].text
    assert "meant to end in a referral, not a goal" in feedback and "It did." in feedback
    assert not re.search(r"\bSMART\b|set (?:a|your) goal|goal statement", feedback)
    assert any(c.source == "wellbeing-and-when-to-refer.md" for c in replies[-1].citations)


def test_the_counterpart_pushes_back_warms_up_and_stays_in_character(guide: Guide) -> None:
    session = Session()
    opening = guide.rehearse(session, "ask-to-be-mentor")
    assert opening.text == ("[Rehearsal: Dr. Patel]\nHi, you wanted a word? I've got about ten "
                            "minutes before my next clinic.")
    vague = guide.ask(session, "So, um, would you be my mentor?").text
    assert "not sure what you're asking" in vague
    off = guide.ask(session, "What's the weather forecast for the weekend?").text
    assert off.startswith("[Rehearsal: Dr. Patel]") and "mentoring" in off
    warm = guide.ask(session, "Could we meet for thirty minutes once a month for six months?")
    assert "I can probably manage" in warm.text
    assert warm.citations == [] and warm.mode == "rehearsal"


def test_stepping_out_gives_a_coaching_aside_and_continue_resumes(guide: Guide) -> None:
    session = Session()
    guide.rehearse(session, "mentee-misses-meetings")
    guide.ask(session, "I've noticed we've missed three meetings in a row, and I wanted to "
                       "check in with you about it.")
    aside = guide.ask(session, "how am I doing?")
    assert aside.text.startswith("[Coaching]\nStepping out of the rehearsal")
    assert "missed three meetings" in aside.text and "?" in aside.text
    assert session.extras[REHEARSAL]["status"] == "paused"
    back = guide.ask(session, "continue")
    assert back.text.startswith("[Rehearsal: Priya]") and "where were we" in back.text.lower()


def test_safety_pre_empts_a_rehearsal_which_waits(guide: Guide) -> None:
    session = Session()
    guide.rehearse(session, "ask-to-be-mentor")
    guide.ask(session, "Would you be willing to meet for 30 minutes once a month?")
    before = dict(session.extras[REHEARSAL])
    crisis = guide.ask(session, "Honestly I can't do this any more. I want to end my life.")
    assert crisis.mode == "safety" and crisis.text.startswith("[Safety]")
    assert session.extras[REHEARSAL] == before
    assert guide.ask(session, "I'm okay now, let's go on").mode != "rehearsal"
    again = guide.ask(session, "I know how busy you are, so please feel free to say no.")
    assert again.text.startswith("[Rehearsal: Dr. Patel]")
    assert "respects-constraints" in session.extras[REHEARSAL]["met"]


def test_asking_to_practise_in_chat_offers_the_scenario_and_the_line_is_rehearsal(
        guide: Guide) -> None:
    session = Session()
    offer = guide.ask(session, "I want to ask Dr. Patel to be my mentor but I'm nervous. Can I "
                               "practise asking her?")
    assert offer.mode == "coaching" and "asking someone to be your mentor" in offer.text
    assert "Your objective:" in offer.text and '"pause"' in offer.text
    line = guide.ask(session, "Hi Dr. Patel, I really admire your work on the heart failure "
                              "clinic. Would you consider mentoring me this year?")
    assert line.text.startswith("[Rehearsal: Dr. Patel]")
    assert "why-this-person" in session.extras[REHEARSAL]["met"]
    assert guide.ask(session, "end").text.startswith("[Coaching]\nThat's the end")


def test_a_request_like_no_scenario_gets_the_closest_few_not_the_whole_list(
        guide: Guide) -> None:
    session = Session()
    offer = guide.ask(session, "Can we rehearse me asking my neighbour to keep the noise down "
                               "at night?")
    offered = [s.title for s in LIBRARY.scenarios if s.title in offer.text]
    assert offer.text.startswith("[Coaching]") and 1 <= len(offered) <= 3
    assert "None of the rehearsals is exactly that conversation" in offer.text
    assert "1. " in offer.text and '"list"' in offer.text
    listed = guide.ask(session, "list")
    assert all(f"{n}. {s.title}" in listed.text for n, s in enumerate(LIBRARY.scenarios, 1))
    first = LIBRARY.get(session.extras[REHEARSAL]["scenario"])
    assert first is not None
    assert guide.ask(session, "start").text.startswith(f"[Rehearsal: {first.persona.name}]")


def test_a_close_request_is_offered_its_scenario_outright(guide: Guide) -> None:
    # Asking one's manager for time to prepare a certification is asking someone who can grant
    # it for a development opportunity: the sponsorship conversation.
    offer = guide.ask(Session(), "Can I practise asking her? She's my nurse manager and I want "
                                 "to ask for protected time to study for my CCRN.")
    assert "asking for a sponsorship or an opportunity" in offer.text
    assert "I can play Dr. Haddad" in offer.text and "None of the rehearsals" not in offer.text


def test_a_scenario_on_offer_is_picked_by_its_number_or_its_title(guide: Guide) -> None:
    request = "Can we rehearse me asking my neighbour to keep the noise down at night?"
    session = Session()
    guide.ask(session, request)
    second = LIBRARY.get(session.extras[REHEARSAL]["choices"][1])
    assert second is not None
    picked = guide.ask(session, "number 2")
    assert picked.text.startswith(f"[Rehearsal: {second.persona.name}]\nRehearsing: "
                                  f"{second.title.lower()}")
    assert second.opening in picked.text and "Your objective:" in picked.text
    assert session.extras[REHEARSAL]["scenario"] == second.id

    for said, scenario_id in [("the one about missed meetings", "mentee-misses-meetings"),
                              ("Receiving critical feedback on your work",
                               "receiving-critical-feedback"),
                              ("the fourth one", LIBRARY.ids[3])]:
        session = Session()
        guide.ask(session, request)
        guide.ask(session, "list")
        scenario = LIBRARY.get(scenario_id)
        assert scenario is not None
        reply = guide.ask(session, said)
        assert reply.text.startswith(f"[Rehearsal: {scenario.persona.name}]"), said
        assert session.extras[REHEARSAL]["scenario"] == scenario_id


def test_the_person_named_plays_the_counterpart_throughout(guide: Guide) -> None:
    session = Session()
    offer = guide.ask(session, "Can I practise asking Dr. Osei to be my mentor?")
    assert "I can play Dr. Osei" in offer.text and "Ask Dr. Osei to mentor you" in offer.text
    assert "Patel" not in offer.text
    opening = guide.ask(session, "start")
    assert opening.text.startswith("[Rehearsal: Dr. Osei]\nHi, you wanted a word")
    reply = guide.ask(session, "Hi, I loved your grand rounds talk on heart failure clinics.")
    assert reply.text.startswith("[Rehearsal: Dr. Osei]")
    feedback = guide.ask(session, "end").text
    assert "rehearsal with Dr. Osei" in feedback and "Patel" not in feedback


def test_an_llm_counterpart_named_by_the_learner_gets_the_scene_with_that_name(
        starter_settings, embedder) -> None:
    engine = ScriptedEngine().enqueue("Well, I'm flattered. What would you want from me?")
    guide = Guide(starter_settings, embedder=embedder, engine=engine)
    session = Session()
    guide.rehearse(session, "ask-to-be-mentor", persona="Dr. Osei")
    reply = guide.ask(session, "Hi, I loved your grand rounds talk.")
    assert reply.text.startswith("[Rehearsal: Dr. Osei]")
    system = build_messages(engine.history[0])[0].content
    assert "You are playing Dr. Osei" in system and "heard Dr. Osei" in system
    assert "Patel" not in system


def test_a_practice_line_out_of_the_blue_is_offered_and_start_answers_it(guide: Guide) -> None:
    session = Session()
    offer = guide.ask(session, "Hi Dr. Patel, I really admire your work on heart failure "
                               "clinics and I was wondering if you would consider being my "
                               "mentor.")
    assert offer.mode == "coaching" and "Dr. Patel" in offer.text and "?" in offer.text
    answer = guide.ask(session, "start")
    assert answer.text.startswith("[Rehearsal: Dr. Patel]")
    assert "Hi, you wanted a word" not in answer.text  # it answers the line already said


def test_an_llm_counterpart_gets_a_persona_prompt_and_the_label_is_enforced(
        starter_settings, embedder) -> None:
    engine = ScriptedEngine().enqueue("[Coaching]\nDr. Patel: Well, I'm flattered. What "
                                      "would you want from me?")
    guide = Guide(starter_settings, embedder=embedder, engine=engine)
    session = Session()
    opening = guide.rehearse(session, "ask-to-be-mentor")
    assert opening.text.startswith("[Rehearsal: Dr. Patel]\nHi, you wanted a word")
    assert not engine.history  # the scenario's own opening words, no model
    reply = guide.ask(session, "Hi Dr. Patel, I loved your grand rounds talk.")
    assert reply.text == ("[Rehearsal: Dr. Patel]\nWell, I'm flattered. What would you want "
                          "from me?")
    system = build_messages(engine.history[0])[0].content
    assert "You are playing Dr. Patel" in system and "one free half-hour" in system
    assert "[Rehearsal: Dr. Patel]" in system


def test_the_markdown_export_has_the_transcript_and_no_patient_identifiers(
        guide: Guide) -> None:
    session, replies = play(guide, "receiving-critical-feedback", [
        "Thanks for being so direct, please go on.",
        "My patient Mr. Alan Brookes, MRN 4417829, was in the case series, is that a problem?",
    ])
    scenario = LIBRARY.get("receiving-critical-feedback")
    assert scenario is not None
    text = to_markdown(scenario, transcript(session.history), replies[-1].text)
    assert "## Transcript" in text and "## Feedback" in text
    assert "**[Rehearsal: Dr. Nguyen]**" in text and "**You**" in text
    assert "4417829" not in text and "Brookes" not in text


# --- the command line -----------------------------------------------------------------------


def test_rehearse_list_json(isolated_home) -> None:
    result = runner.invoke(app, ["rehearse", "--list", "--json"], catch_exceptions=False)
    listed = json.loads(result.stdout)
    assert {s["id"] for s in listed} == set(LIBRARY.ids)
    assert all(set(s) == {"id", "title", "for", "objective"} and s["for"] in ("mentee", "mentor")
               for s in listed)


def test_rehearse_a_script_as_json(starter_settings, tmp_path: Path) -> None:
    script = tmp_path / "turns.txt"
    script.write_text("\n".join(SCRIPTS["ask-to-be-mentor"]["strong"]) + "\n", encoding="utf-8")
    export = tmp_path / "rehearsal.md"
    result = runner.invoke(app, ["rehearse", "--scenario", "ask-to-be-mentor", "--script",
                                 str(script), "--json", "--export", str(export)],
                           catch_exceptions=False)
    played = json.loads(result.stdout)
    assert set(played) == {"scenario", "transcript", "feedback"}
    assert played["scenario"] == "ask-to-be-mentor"
    roles = [t["role"] for t in played["transcript"]]
    assert roles[0] == "counterpart" and roles[-1] == "coach" and "learner" in roles
    assert all(set(t) == {"role", "label", "text"} for t in played["transcript"])
    feedback = played["feedback"]
    assert set(feedback) == {"label", "met", "missed", "questions", "citations"}
    assert feedback["label"] == "[Coaching]" and feedback["met"]
    assert all(set(m) == {"item", "evidence"} for m in feedback["met"] + feedback["missed"])
    assert set(feedback["citations"][0]) == {"marker", "source", "title", "locator",
                                             "chunk_id", "quote"}
    assert "## Feedback" in export.read_text(encoding="utf-8")


def test_rehearse_refuses_an_unknown_scenario(isolated_home) -> None:
    result = runner.invoke(app, ["rehearse", "--scenario", "nope"])
    assert result.exit_code == 2 and "No scenario 'nope'" in result.output


# --- recognising the learner's behaviours ---------------------------------------------------


@pytest.mark.parametrize(("split", "precision", "recall"), [
    ("rehearsal_dev.yaml", 0.9, 0.88),      # the thresholds were chosen on these lines
    ("rehearsal_heldout.yaml", 0.9, 0.8),   # written afterwards; seen since
])
def test_rubric_behaviours_are_recognised_above_a_floor(reader, split: str, precision: float,
                                                        recall: float) -> None:
    from benchmarks.rehearsal_bench import load_lines, measure

    tally = measure(reader, LIBRARY, load_lines(split))["all"]
    assert tally.precision >= precision and tally.recall >= recall
    assert tally.vague_clean >= tally.vague - 1 and tally.off_read >= tally.off * 0.7


def test_a_sentence_shows_the_behaviour_it_is_closest_to_not_one_it_shares_words_with(
        reader) -> None:
    rubric = {"thanks": ("Thank you for reading my draft so carefully.",
                         "I appreciate the time you spent on my draft."),
              "next-step": ("I'll send the revised draft by Friday.",
                            "You'll have a new version of the draft next week.")}
    one = reader.rubric.read("Thanks so much for reading my draft carefully.", rubric)
    assert one.shown == ["thanks"] and one.evidence["next-step"].contested
    both = reader.rubric.read("Thanks for reading my draft so carefully. I'll send the revised "
                              "draft by Friday.", rubric)
    assert set(both.shown) == {"thanks", "next-step"}
    assert both.evidence["next-step"].sentence == "I'll send the revised draft by Friday."


# --- matching a request to practise to a scenario -------------------------------------------


def test_the_labelled_requests_name_shipped_scenarios() -> None:
    from assistant.reader.labelled import load_labelled
    from assistant.reader.matching import NONE

    labels = set(load_labelled("scenario_requests").examples)
    assert labels == {*LIBRARY.ids, NONE}


@pytest.mark.parametrize(("split", "top1", "decided"), [
    ("scenario_requests_dev.yaml", 0.88, 0.93),      # OFFERED_FROM was chosen on these
    ("scenario_requests_heldout.yaml", 0.84, 0.93),  # written afterwards; seen since
])
def test_requests_to_practise_are_matched_above_a_floor(reader, split: str, top1: float,
                                                        decided: float) -> None:
    from benchmarks.scenario_bench import load_requests, measure, read_all

    tally, _ = measure(LIBRARY, read_all(reader, LIBRARY, load_requests(split)))
    assert tally.share(tally.top1, tally.covered) >= top1
    assert tally.share(tally.decided, tally.total) >= decided


def test_a_programs_own_scenario_is_matched_by_its_own_descriptions(reader) -> None:
    described = LIBRARY.described | {"rota-swap": (
        "Asking the rota coordinator to swap a night shift",
        "Ask for a shift swap politely, give a reason and offer a swap in return.",
        "Can I practise asking the rota coordinator to swap my night shift?",
        "I need to ask for a change to my rota, can we rehearse?")}
    ranked = reader.matcher.ranked("Could I rehearse asking the rota lead to move my nights "
                                   "next month?", described)
    assert ranked[0][0] == "rota-swap" and len(ranked) == len(described)
    shipped = reader.matcher.ranked("Let me practise asking my consultant to put me forward "
                                    "for the leadership course.", described)
    assert shipped[0][0] == "asking-for-sponsorship" and shipped[0][1] > 0.5
