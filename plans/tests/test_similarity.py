"""Reading Vietnamese plan wording for cascade suggestions: abbreviations, diacritics, word order, stock words."""
import pytest

from plans.similarity import CandidateIndex, assign, folded_words, suggest, terms


@pytest.mark.parametrize(("short", "long"), [
    ("Đẩy mạnh CĐS", "chuyển đổi số"),
    ("phát triển KHCN", "phát triển khoa học, công nghệ"),
    ("phát triển KH&CN", "phát triển khoa học và công nghệ"),
    ("mạng lưới ĐMST", "mạng lưới đổi mới sáng tạo"),
    ("UBND xã", "Ủy ban nhân dân"),
    ("khai thác CSDL", "khai thác cơ sở dữ liệu"),
    ("nâng cao chất lượng DVCTT", "chất lượng dịch vụ công trực tuyến"),
    ("đơn giản hóa TTHC", "đơn giản hóa thủ tục hành chính"),
    ("ứng dụng AI", "ứng dụng trí tuệ nhân tạo"),
    ("Thủ trưởng các cơ quan", "Người đứng đầu"),
    ("Khai thac co so du lieu", "khai thác cơ sở dữ liệu"),
    ("chuyên đổi số", "chuyển đổi số"),  # the seeds' own typo
])
def test_abbreviations_synonyms_and_missing_diacritics_read_as_the_words_they_stand_for(short, long):
    assert folded_words(short) == folded_words(long)


def test_stock_words_dates_and_the_cited_resolutions_carry_no_weight():
    assert folded_words("Triển khai thực hiện, tăng cường, đẩy mạnh, nâng cao hiệu quả trên địa bàn xã") == []
    assert folded_words("Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị, ngày 12/8/2025") == []
    assert folded_words("Kế hoạch số 45/KH-UBND") == "ke hoach so 45 ke hoach uy ban nhan dan".split()


def test_only_whole_stock_phrases_and_citations_are_dropped_in_either_spelling():
    found = terms("Ứng dụng trí tuệ nhân tạo trong hệ thống chính trị, bộ máy, cán bộ; triển khai Nghị quyết số "
                  "57-NQ/TW ngày 22/12/2024 của Bộ Chính trị")
    assert {"w:trí", "w:trị", "w:bộ", "f:tri", "f:tri tue", "f:can bo"} <= set(found)
    assert not {"w:triển", "f:trien", "w:57", "f:57", "w:ngày", "f:2024"} & set(found)
    assert found["f:chinh"] == 1  # "hệ thống chính trị" kept, "Bộ Chính trị" of the citation dropped


def test_diacritics_keep_apart_words_that_fold_alike_when_both_texts_carry_them():
    so, province_department = terms("Nền tảng số"), terms("Nền tảng sở")
    assert {t for t in so if t.startswith("f:")} == {t for t in province_department if t.startswith("f:")}
    assert "w:số" in so and "w:số" not in province_department
    assert not any(t.startswith("w:") for t in terms("Nen tang so"))
    index = CandidateIndex(["Phát triển nền tảng sở", "Phát triển nền tảng số"])
    assert index.rank("phát triển nền tảng số", threshold=0)[0][1] == 1


def test_a_text_typed_without_diacritics_finds_its_item():
    items = [(1, "Phát triển hạ tầng viễn thông, Internet, mạng di động 5G phủ sóng toàn tỉnh"),
             (2, "Xây dựng các cơ sở dữ liệu về văn hóa, các di sản văn hóa số")]
    assert suggest("Xay dung CSDL ve van hoa, di san van hoa so", items)[0][1] == 2


def test_word_order_does_not_matter():
    first = "Rà soát tiêu chuẩn chức danh lãnh đạo; phấn đấu 25% lãnh đạo có chuyên môn khoa học kỹ thuật"
    second = "Phấn đấu 25% lãnh đạo có chuyên môn khoa học kỹ thuật; rà soát tiêu chuẩn chức danh lãnh đạo"
    index = CandidateIndex([first, "Phát triển hạ tầng viễn thông"])
    assert index.scores(second)[0] > 0.9


def test_a_phrase_every_item_repeats_counts_for_little():
    common = "phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số"
    topics = ["khai thác tài nguyên khoáng sản", "hợp tác quốc tế", "đào tạo nhân lực", "hạ tầng viễn thông",
              "doanh nghiệp nhỏ và vừa", "di sản văn hóa"]
    index = CandidateIndex([f"{topic.capitalize()} để {common}" for topic in topics])
    scores = index.scores(f"Quản lý tài nguyên khoáng sản, {common}")
    assert scores[0] > 1.5 * max(score for position, score in scores.items() if position)


def test_a_text_about_nothing_in_the_plan_gets_no_suggestion():
    assert suggest("Tổ chức hội thao chào mừng ngày thành lập xã", [(1, "Phát triển hạ tầng viễn thông, Internet")]) == []


def test_a_higher_item_another_item_carries_out_comes_after_the_free_ones():
    items = [("a", "Phát động phong trào thi đua chuyển đổi số, khen thưởng"), ("b", "Phát động phong trào thi đua")]
    assert [c for _s, c in suggest("Phát động phong trào thi đua chuyển đổi số", items)] == ["a", "b"]
    assert [c for _s, c in suggest("Phát động phong trào thi đua chuyển đổi số", items, taken={"a"})] == ["b", "a"]


def test_a_clear_copy_is_suggested_alone_and_close_ones_together():
    items = [(1, "Phát động phong trào thi đua chuyển đổi số, khen thưởng tổ chức, cá nhân có thành tích"),
             (2, "Phát động phong trào phát minh, sáng chế, cải tiến kỹ thuật"),
             (3, "Phát triển hạ tầng viễn thông")]
    assert [c for _s, c in suggest(items[0][1], items)] == [1]
    assert {c for _s, c in suggest("Phát động phong trào", items)} == {1, 2}


def test_one_to_one_gives_a_higher_item_to_its_closest_copy():
    index = CandidateIndex(["Phát triển hạ tầng viễn thông, Internet, mạng 5G",
                            "Phát triển hạ tầng số dùng chung, nền tảng số"])
    matched = assign(["Phát triển hạ tầng viễn thông, Internet, mạng 5G toàn xã",
                      "Phát triển hạ tầng viễn thông và nền tảng số dùng chung",
                      "Tổ chức hội thao chào mừng ngày thành lập xã"], index)
    assert [pair and pair[1] for pair in matched] == [0, 1, None]


def test_a_best_match_under_the_threshold_is_shown_only_when_it_stands_clear():
    from tests.bench_cascade import labelled_set

    higher = list(labelled_set()[0].items())  # plan 182's 47 tasks
    index = CandidateIndex([text for _key, text in higher])
    short = "Phối hợp Sở KH&CN thành lập Trung tâm ĐMST và CĐS tỉnh Đồng Nai"
    (score, position), (runner_up, _other) = sorted(((s, p) for p, s in index.scores(short).items()), reverse=True)[:2]
    assert higher[position][0] == "3. d)" and score < 0.32 and score > 1.5 * runner_up  # under the threshold, clear
    assert [key for _score, key in suggest(short, higher)] == ["3. d)"]
    vague = "Lồng ghép chương trình, kế hoạch phát triển KH,CN, ĐMST, CĐS vào kế hoạch công tác năm"
    assert suggest(vague, higher) == []  # its best under the threshold, the runner-up close behind: nothing shown
