"""`profiles.icc`: the registered output profiles, each an ICC file of an output (prtr) CMYK profile."""

from __future__ import annotations

import pytest

from profiles.icc import OUTPUT_PROFILES, output_profile


@pytest.mark.parametrize("profile_id", sorted(OUTPUT_PROFILES))
def test_each_profile_is_a_cmyk_output_icc_file(profile_id):
    profile = output_profile(profile_id)
    data = profile.data()
    assert int.from_bytes(data[:4], "big") == len(data)  # the ICC header's own size
    assert (data[12:16], data[16:20], data[36:40]) == (b"prtr", b"CMYK", b"acsp")
    assert profile.condition_identifier == profile_id and profile.total_ink_limit == 300


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(KeyError, match=r"unknown output profile 'FOGRA99'; known: \['FOGRA39', 'FOGRA47'\]"):
        output_profile("FOGRA99")
