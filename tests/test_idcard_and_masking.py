from core import idcard
from core.masking import mask_address, mask_id_number, mask_phone


def test_a_valid_id_number_passes_its_checksum():
    # GB 11643-1999's published example.
    assert idcard.validate("11010519491231002X") is None


def test_a_wrong_check_character_is_refused_in_chinese():
    assert idcard.validate("110105194912310021") == "身份证号校验位错误"


def test_an_impossible_birth_date_is_refused():
    assert idcard.validate("110105194913310025") == "身份证号中的出生日期无效"


def test_a_short_id_number_is_refused():
    assert "18位" in idcard.validate("11010519491231")


def test_phone_is_masked_to_first_three_and_last_four():
    assert mask_phone("13812341234") == "138****1234"


def test_id_number_keeps_first_six_and_last_two():
    assert mask_id_number("11010519491231002X") == "110105**********2X"


def test_address_is_cut_to_the_county():
    assert mask_address("浙江省杭州市测试县城关镇幸福路3号") == "浙江省杭州市测试县****"
