"""This course's syllabus against its official course page (../shared/course/course-page.txt),
where that page is beside the checkout: every lasting fact the syllabus states is on the page. The
semester and dates are not compared: the page is one edition's, the syllabus may be a later one."""
import pytest

from coursebuild import paths
from coursebuild.syllabus import load

COURSE_PAGE = paths.ROOT.parent / "shared" / "course" / "course-page.txt"


@pytest.mark.skipif(not COURSE_PAGE.is_file(), reason="the official course page is not beside this checkout")
def test_every_fact_of_the_syllabus_is_on_the_official_course_page():
    page = COURSE_PAGE.read_text()
    c = load(paths.SYLLABUS).course
    # The page names the instructor without his title, and each programme by its first words.
    for fact in (c.title, c.instructor.split(". ", 1)[-1], c.email, c.location, c.university,
                 " ".join(c.requirement.split()[:4])):
        assert fact in page, fact
    for program in c.programs:
        assert program.name.split(" - ")[0] in page
    for topic in c.topics:
        assert topic.rstrip(".") in page
    for book in c.literature:
        assert book.author.split(" and ")[0] in page
