"""The safety net recognises red flags and crisis language, and nothing else."""
from __future__ import annotations

import pytest

from bot.nlu.safety_net import CRISIS, URGENT_SYMPTOMS, detect_safety_intent

URGENT = [
    "there is so much blood",
    "I'm bleeding a lot",
    "im bleeding heavily right now",
    "heavy bleeding after my miscarriage",
    "I'm soaking a pad every hour",
    "soaked through two pads in an hour",
    "passing large clots",
    "there are big clots coming out",
    "huge clots the size of a golf ball",
    "severe pain in my stomach",
    "really bad cramps and bleeding",
    "sharp pain on one side of my tummy",
    "pain on my left side that won't go away",
    "I have pain in my shoulder tip",
    "shoulder tip pain after transfer",
    "I fainted in the bathroom",
    "I feel like I'm going to pass out",
    "very dizzy and bleeding",
    "I have a fever after my miscarriage",
    "high temperature and shivering since the D&C",
    "smelly discharge after the loss",
    "foul smelling discharge",
    "what is RIF, also I'm bleeding a lot",
    "bleeeding alot and it wont stop",
    "bleding so much",
    "so much blood everywhere",
    "the cramps are unbearable",
    "excruciating pain in my belly",
    "I passed out earlier",
    "blood is pouring out",
    "can't stop bleeding, lots of blood",
    "agonising pain one sided",
]

CRISIS_MESSAGES = [
    "I don't want to live anymore",
    "I want to die",
    "i wanna die",
    "I can't go on",
    "cant go on like this",
    "I'm going to kill myself",
    "thinking about suicide",
    "I feel suicidal",
    "i want to end it all",
    "I want to end my life",
    "I've been hurting myself",
    "I want to hurt myself",
    "I cut myself last night",
    "there's no point living",
    "no reason to live anymore",
    "everyone would be better off without me",
    "I wish I was dead",
    "I don't want to be here anymore",
    "kil myself",
    "I keep thinking of ending it",
    "sucidal thoughts again",
    "I want to take my own life",
    "I'm going to take all my pills",
    "life is not worth living after another loss",
    "I can't do this anymore, I want to die",
    "what is RM? I just want to die",
    "I have nothing to live for",
    "self harm",
    "i dont want to wake up tomorrow",
    "I can't take it anymore",
    "suicide",
]

ORDINARY = [
    "what is RIF",
    "what is recurrent miscarriage",
    "what's the difference between RIF and RM",
    "which tests should I ask for",
    "do aspirin or heparin help",
    "should my partner be tested",
    "what is PGT",
    "can stress cause miscarriage",
    "how do I cope with the grief",
    "what are my chances",
    "I had 3 failed transfers",
    "I've had two miscarriages",
    "does thyroid matter",
    "can blood clotting problems cause miscarriage",
    "should I have blood tests",
    "are blood thinners safe",
    "what do doctors check first",
    "hello",
    "thank you",
    "bye",
    "what causes implantation failure",
    "should we try IVF or ICSI",
    "do NK cells matter",
    "can fibroids cause RIF",
    "is there any hope",
    "I feel sad",
    "how long after surgery can we try again",
    "when does recurrent miscarriage happen",
    "will I ever have a baby",
    "can I join a clinical trial",
    "I had some spotting last month",
    "what is a chemical pregnancy",
]


@pytest.mark.parametrize("text", URGENT)
def test_urgent_symptoms_are_recognised(text):
    assert detect_safety_intent(text) == URGENT_SYMPTOMS


@pytest.mark.parametrize("text", CRISIS_MESSAGES)
def test_crisis_language_is_recognised(text):
    assert detect_safety_intent(text) == CRISIS


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_do_not_trigger(text):
    assert detect_safety_intent(text) is None


def test_crisis_comes_first_when_both_appear():
    assert detect_safety_intent("I'm bleeding heavily and I want to die") == CRISIS


@pytest.mark.parametrize("text", ["", "   ", None, "x" * 5000])
def test_empty_or_huge_input_is_handled(text):
    assert detect_safety_intent(text) is None


def test_there_are_at_least_thirty_of_each():
    assert len(URGENT) >= 30 and len(CRISIS_MESSAGES) >= 30 and len(ORDINARY) >= 30
