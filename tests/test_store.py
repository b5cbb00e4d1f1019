"""The class store on SQLite and on PostgreSQL: classes and tokens, runs saved and restored
bit for bit, the schema's upgrade keeping data, the caps' sentences, and hostile text stored as text."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from sqlalchemy import MetaData, create_engine, func, inspect, select, update

from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.challenges import CHALLENGES, check_run
from playground.run.budget import train_within
from playground.run.checkpoint import save_checkpoint
from playground.run.limits import Limits
from store.classes import (
    close_class,
    create_class,
    find_class,
    find_student,
    join_class,
    purge_closed_classes,
    remove_student,
    renew_teacher_token,
    teacher_class,
)
from store.database import DATA_FOLDER, database_url, open_database
from store.runs import CURVE_POINTS, class_runs, latest_run, loss_curve, run_count, save_run
from store.schema import LATEST, _tables_v1, database_version, metadata, schema_version, upgrade
from store.tokens import token_hash
from wrong_tokens import one_character_off

HOSTILE = "'); DROP TABLE students; --"
WRONG_TEACHER = "This teacher link is not valid: the class or its teacher token is wrong."


def trained(epochs: int = 4, **changes) -> Trainer:
    trainer = Trainer(RunConfig(**changes))
    trainer.train(max_epochs=epochs)
    return trainer


def test_a_new_database_is_at_the_latest_version_with_the_tables_the_code_reads(database):
    with database.connect() as connection:
        assert database_version(connection) == LATEST == 4
        found = inspect(connection)
        for table in metadata.sorted_tables:
            assert {column["name"] for column in found.get_columns(table.name)} == set(table.columns.keys())


def test_a_database_made_by_the_first_schema_keeps_its_data_after_the_upgrade(database_url):
    engine = create_engine(database_url)  # open_database would upgrade to the latest at once
    assert upgrade(engine, to=1) == 1
    _, classes_v1, students_v1, runs_v1 = _tables_v1(MetaData())
    model = save_checkpoint(trained())
    with engine.begin() as connection:
        class_id = connection.execute(
            classes_v1.insert().returning(classes_v1.c.id),
            dict(code="ACDEFGHJ", name="Year 9", instruction="Train it", challenges='["parity"]', locked='["lr"]',
                 hidden="[]", teacher_token_hash=token_hash("teacher"), created_at=100.0),
        ).scalar_one()  # fmt: skip
        student_id = connection.execute(
            students_v1.insert().returning(students_v1.c.id),
            dict(class_id=class_id, name="Ana", token_hash=token_hash("ana"), joined_at=123.0),
        ).scalar_one()
        connection.execute(
            runs_v1.insert(),
            dict(student_id=student_id, config=json.dumps(RunConfig().to_dict()), epoch=4, model=model,
                 size=len(model), saved_at=200.0),
        )  # fmt: skip
        assert "last_seen" not in {c["name"] for c in inspect(connection).get_columns("students")}
    engine.dispose()

    upgraded = open_database(database_url)
    with upgraded.connect() as connection:
        assert database_version(connection) == LATEST
    room = teacher_class(upgraded, "ACDEFGHJ", "teacher")
    assert (room.name, room.instruction, room.challenges, room.locked) == ("Year 9", "Train it", ("parity",), {"lr"})
    student = find_student(upgraded, room, "ana")
    assert (student.name, student.joined_at, student.last_seen) == ("Ana", 123.0, 123.0)  # idle since joining
    saved = latest_run(upgraded, student)
    assert (saved.epoch, saved.model, saved.config) == (4, model, RunConfig())
    [member] = class_runs(upgraded, room)  # a run saved before curves were kept: its epoch, no curve yet
    assert (member.epoch, member.curve, member.solved_epoch, room.closed) == (4, (), None, False)
    upgraded.dispose()


def test_a_version_2_database_keeps_its_data_and_its_runs_gain_a_curve_when_saved_again(database_url):
    engine = create_engine(database_url)
    assert upgrade(engine, to=2) == 2
    engine.dispose()
    engine = open_database(database_url)  # the dashboard's columns, added to a database that had none
    engine.dispose()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(update(schema_version).values(version=2))
        connection.exec_driver_sql("ALTER TABLE runs DROP COLUMN losses")
        connection.exec_driver_sql("ALTER TABLE runs DROP COLUMN solved_epoch")
        connection.exec_driver_sql("ALTER TABLE classes DROP COLUMN closed_at")
        connection.exec_driver_sql("DROP TABLE results")
    engine.dispose()
    old = create_engine(database_url)
    _, classes_v1, students_v1, _ = _tables_v1(MetaData())
    with old.begin() as connection:
        class_id = connection.execute(
            classes_v1.insert().returning(classes_v1.c.id),
            dict(code="ACDEFGHK", name="Year 8", instruction="", challenges="[]", locked="[]", hidden="[]",
                 teacher_token_hash=token_hash("teacher"), created_at=100.0),
        ).scalar_one()  # fmt: skip
        connection.execute(
            students_v1.insert(), dict(class_id=class_id, name="Bo", token_hash=token_hash("bo"), joined_at=5.0)
        )
    old.dispose()
    upgraded = open_database(database_url)
    room = teacher_class(upgraded, "ACDEFGHK", "teacher")
    student = find_student(upgraded, room, "bo")
    trainer = trained(epochs=6)
    save_run(upgraded, student, trainer)
    [member] = class_runs(upgraded, room)
    assert member.curve == tuple((record.epoch, record.loss) for record in trainer.history)
    assert member.loss == trainer.history[-1].loss and member.solved_epoch == trainer.solved_epoch
    upgraded.dispose()


def test_a_database_newer_than_the_program_is_refused_with_a_sentence(database):
    with database.begin() as connection:
        connection.execute(update(schema_version).values(version=LATEST + 1))
    with pytest.raises(PlaygroundError, match=f"schema version {LATEST + 1}, newer than this program's {LATEST}"):
        upgrade(database)


def test_opening_twice_upgrades_once(database_url):
    for _ in range(2):
        engine = open_database(database_url)
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(schema_version)).scalar_one() == 1
        engine.dispose()


def test_the_teacher_token_opens_its_class_only(database):
    room, token = create_class(database, "Year 10", "Press Train", ["parity", "gru-hello"], ["lr", "cell"], ["seed"])
    other, other_token = create_class(database, "Year 11")
    assert len(token) >= 43 and len(room.code) == 8 and room.code != other.code
    assert room.challenges == ("gru-hello", "parity")  # in the challenges' own order
    assert (room.locked, room.hidden) == ({"lr", "cell"}, {"seed"})
    assert teacher_class(database, room.code, token) == room
    assert teacher_class(database, room.code.lower(), token) == room
    off = one_character_off(token)
    for code, wrong in [(room.code, off), (room.code, None), (room.code, ""), (room.code, other_token),
                        (other.code, token), ("NOPE", token), (None, token)]:  # fmt: skip
        with pytest.raises(PlaygroundError) as refused:
            teacher_class(database, code, wrong)
        assert str(refused.value) == WRONG_TEACHER


def test_the_store_keeps_only_hashes_of_the_tokens(database):
    room, token = create_class(database, "Year 10")
    _, student_token = join_class(database, room, "Ana")
    with database.connect() as connection:
        dump = repr([connection.execute(select(table)).all() for table in metadata.sorted_tables])
    assert token not in dump and student_token not in dump
    assert token_hash(token) in dump and token_hash(student_token) in dump


def test_a_new_teacher_token_replaces_the_old_one(database):
    room, token = create_class(database, "Year 10")
    fresh = renew_teacher_token(database, room.code, token)
    assert fresh != token and teacher_class(database, room.code, fresh) == room
    with pytest.raises(PlaygroundError, match="not valid"):
        teacher_class(database, room.code, token)
    with pytest.raises(PlaygroundError, match="not valid"):
        renew_teacher_token(database, room.code, token)


def test_a_student_token_names_its_student_in_its_class_only(database):
    room, _ = create_class(database, "Year 10")
    other, _ = create_class(database, "Year 11")
    ana, ana_token = join_class(database, room, "  Ana   B ")
    ben, ben_token = join_class(database, room, "Ben")
    assert ana.name == "Ana B" and ana.class_id == room.id
    assert find_student(database, room, ana_token) == ana
    assert find_student(database, room, ben_token) == ben
    for wrong in [None, "", one_character_off(ana_token), token_hash(ana_token)]:
        assert find_student(database, room, wrong) is None
    assert find_student(database, other, ana_token) is None
    assert find_class(database, room.code) == room and find_class(database, "NOPE") is None


@pytest.mark.parametrize(
    "name,sentence",
    [
        ("   ", "Type a name: it cannot be empty."),
        ("a" * 41, "longer than 40 characters"),
        ("Ana\x00", "invisible control character"),
    ],
)
def test_a_name_that_cannot_be_shown_is_refused_with_a_sentence(database, name, sentence):
    room, _ = create_class(database, "Year 10")
    with pytest.raises(PlaygroundError, match=sentence):
        join_class(database, room, name)


def test_two_students_cannot_share_a_name(database):
    room, _ = create_class(database, "Year 10")
    join_class(database, room, "Ana")
    with pytest.raises(PlaygroundError, match="already uses the name 'ana'; add an initial"):
        join_class(database, room, "ana")


def test_students_joining_at_once_are_checked_one_after_the_other(database):
    room, _ = create_class(database, "Year 10")
    limits = Limits(max_students_per_class=3)

    def join(name: str) -> str:
        try:
            return join_class(database, room, name, limits)[0].name
        except PlaygroundError as error:
            return str(error)

    with ThreadPoolExecutor(max_workers=8) as pool:
        same_name = list(pool.map(join, ["Ana"] * 8))
        others = list(pool.map(join, [f"Student {n}" for n in range(8)]))
    assert same_name.count("Ana") == 1 and sum("already uses the name" in answer for answer in same_name) == 7
    assert sum(answer.startswith("Student ") for answer in others) == 2
    assert sum(answer.startswith("This class is full") for answer in others) == 6


def test_a_class_with_an_unknown_challenge_or_control_is_refused(database):
    with pytest.raises(PlaygroundError, match="no challenge named 'chess'"):
        create_class(database, "Year 10", challenges=["chess"])
    with pytest.raises(PlaygroundError, match="no control named 'x'"):
        create_class(database, "Year 10", locked=["x"])


def test_hostile_text_is_stored_and_read_back_verbatim_and_changes_nothing(database):
    room, token = create_class(database, HOSTILE, HOSTILE)
    student, student_token = join_class(database, room, HOSTILE)
    assert (room.name, room.instruction, student.name) == (HOSTILE, HOSTILE, HOSTILE)
    assert teacher_class(database, room.code, token).name == HOSTILE
    assert find_class(database, "' OR '1'='1") is None
    assert find_student(database, room, "' OR '1'='1") is None
    with pytest.raises(PlaygroundError):
        teacher_class(database, "' OR '1'='1", "' OR '1'='1")
    with database.connect() as connection:
        assert {"classes", "students", "runs", "schema_version"} <= set(inspect(connection).get_table_names())
    assert find_student(database, room, student_token) == student


def test_a_saved_run_restores_to_the_same_weights_bit_for_bit(database):
    room, _ = create_class(database, "Year 10")
    student, _ = join_class(database, room, "Ana")
    original = trained(6, cell="lstm")
    save_run(database, student, original)
    saved = latest_run(database, student)
    assert (saved.epoch, saved.config) == (6, original.config)
    replay = saved.replay()
    train_within(replay)
    assert replay.verified and replay.trainer.epoch == 6
    for (name, weight), (same_name, restored) in zip(
        original.model.state_dict().items(), replay.trainer.model.state_dict().items()
    ):
        assert name == same_name and torch.equal(weight, restored)
    assert [r.loss for r in replay.trainer.history] == [r.loss for r in original.history]


def test_saving_again_updates_the_run_and_a_new_run_is_the_latest(database):
    room, _ = create_class(database, "Year 10")
    student, token = join_class(database, room, "Ana")
    trainer = trained(2)
    run_id = save_run(database, student, trainer)
    trainer.train(max_epochs=3)
    assert save_run(database, student, trainer, run_id) == run_id
    assert (run_count(database, student), latest_run(database, student).epoch) == (1, 5)
    assert find_student(database, room, token).last_seen == latest_run(database, student).saved_at  # not idle
    time.sleep(0.01)
    second = save_run(database, student, trained(1, seed=7))
    assert second != run_id and latest_run(database, student).config.seed == 7


def test_one_student_can_neither_read_nor_change_anothers_run(database):
    room, _ = create_class(database, "Year 10")
    ana, _ = join_class(database, room, "Ana")
    ben, _ = join_class(database, room, "Ben")
    ana_run = save_run(database, ana, trained(3))
    assert latest_run(database, ben) is None
    ben_run = save_run(database, ben, trained(1, seed=9), run_id=ana_run)  # Ana's id: saved as Ben's own
    assert ben_run != ana_run
    assert (latest_run(database, ana).id, latest_run(database, ana).epoch) == (ana_run, 3)
    assert latest_run(database, ben).config.seed == 9


def test_a_run_before_its_first_epoch_is_not_saved(database):
    room, _ = create_class(database, "Year 10")
    student, _ = join_class(database, room, "Ana")
    with pytest.raises(PlaygroundError, match="at least one epoch"):
        save_run(database, student, Trainer(RunConfig()))


def test_a_full_class_refuses_one_more_student_with_a_sentence(database):
    room, _ = create_class(database, "Year 10")
    limits = Limits(max_students_per_class=2)
    join_class(database, room, "Ana", limits)
    join_class(database, room, "Ben", limits)
    with pytest.raises(PlaygroundError) as refused:
        join_class(database, room, "Cy", limits)
    assert str(refused.value) == (
        "This class is full: it has 2 students, the most this server allows "
        "(RNN_PLAYGROUND_MAX_STUDENTS_PER_CLASS). Ask your teacher."
    )


def test_a_new_run_past_the_runs_kept_drops_the_oldest(database):
    room, _ = create_class(database, "Year 10")
    student, _ = join_class(database, room, "Ana")
    limits = Limits(max_runs_per_student=2)
    ids = [save_run(database, student, trained(1, seed=seed), limits=limits) for seed in (1, 2, 3)]
    assert run_count(database, student) == 2
    assert save_run(database, student, trained(1, seed=4), run_id=ids[0], limits=limits) not in ids  # dropped


def test_a_run_past_the_class_bytes_is_refused_with_a_sentence(database):
    room, _ = create_class(database, "Year 10")
    ana, _ = join_class(database, room, "Ana")
    ben, _ = join_class(database, room, "Ben")
    run = trained(2)
    size = len(save_checkpoint(run))
    limits = Limits(max_class_megabytes=1.5 * size / 1e6)
    ana_run = save_run(database, ana, run, limits=limits)
    assert save_run(database, ana, run, ana_run, limits=limits) == ana_run  # over itself: still fits
    with pytest.raises(
        PlaygroundError, match=r"^This run was not saved: the class's saved runs would take .* MB, more "
    ):
        save_run(database, ben, run, limits=limits)
    assert latest_run(database, ben) is None


def test_a_long_runs_curve_is_thinned_to_its_points_and_keeps_its_last_epoch():
    trainer = Trainer(RunConfig(epochs=450))
    trainer.train(max_epochs=450)
    assert trainer.epoch == 450
    curve = loss_curve(trainer)
    assert len(curve) <= CURVE_POINTS and curve[0] == (1, trainer.history[0].loss)
    assert curve[-1] == (450, trainer.history[-1].loss)


def test_removing_a_student_deletes_their_runs_and_reaches_no_other_class(database):
    room, _ = create_class(database, "Year 10")
    other, _ = create_class(database, "Year 11")
    ana, ana_token = join_class(database, room, "Ana")
    bo, _ = join_class(database, other, "Bo")
    save_run(database, ana, trained())
    save_run(database, bo, trained())
    assert not remove_student(database, room, bo.id)  # another class's student: untouched
    assert [member.student.name for member in class_runs(database, other)] == ["Bo"]
    assert latest_run(database, bo) is not None
    assert remove_student(database, room, ana.id)
    assert class_runs(database, room) == [] and find_student(database, room, ana_token) is None
    assert run_count(database, ana) == 0


def test_a_closed_class_opens_for_no_one_and_is_deleted_after_its_retention(database):
    room, token = create_class(database, "Year 10 <b>x</b>")
    other, _ = create_class(database, "Year 11")
    ana, _ = join_class(database, room, "Ana")
    save_run(database, ana, trained())
    close_class(database, room, now=1_000_000.0)
    assert find_class(database, room.code).closed_at == 1_000_000.0
    with pytest.raises(PlaygroundError, match="is closed"):
        teacher_class(database, room.code, token)
    with pytest.raises(PlaygroundError, match="is closed"):
        join_class(database, room, "Bo")
    with pytest.raises(PlaygroundError, match="is closed"):
        save_run(database, ana, trained())
    limits = Limits(retention_days=30)
    assert purge_closed_classes(database, now=1_000_000.0 + 29.9 * 86400, limits=limits) == 0
    assert latest_run(database, ana) is not None
    assert purge_closed_classes(database, now=1_000_000.0 + 30.1 * 86400, limits=limits) == 1
    assert find_class(database, room.code) is None and run_count(database, ana) == 0
    with database.connect() as connection:
        assert connection.execute(select(func.count()).select_from(metadata.tables["students"])).scalar_one() == 0
    assert find_class(database, other.code) == other  # an open class is kept however old


def test_opening_the_store_purges_a_class_closed_past_its_retention(database_url):
    engine = open_database(database_url)
    old, _ = create_class(engine, HOSTILE)
    join_class(engine, old, HOSTILE)
    kept, _ = create_class(engine, "Year 11")
    close_class(engine, old, now=time.time() - 31 * 86400)  # the default retention: 30 days
    close_class(engine, kept, now=time.time() - 29 * 86400)
    engine.dispose()
    reopened = open_database(database_url)
    assert find_class(reopened, old.code) is None and find_class(reopened, kept.code).closed
    with reopened.connect() as connection:
        assert connection.execute(select(func.count()).select_from(metadata.tables["students"])).scalar_one() == 0
    reopened.dispose()


def test_hostile_names_in_a_removed_student_and_a_closed_class_change_nothing_else(database):
    room, _ = create_class(database, HOSTILE)
    other, other_token = create_class(database, "Year 11")
    evil, _ = join_class(database, room, HOSTILE)
    join_class(database, other, HOSTILE)
    assert remove_student(database, room, evil.id)
    close_class(database, room)
    assert [member.student.name for member in class_runs(database, other)] == [HOSTILE]
    assert teacher_class(database, other.code, other_token) == other


def passed(database, room) -> dict[str, dict[str, object]]:
    return {member.student.name: dict(member.passed) for member in class_runs(database, room)}


def test_a_students_passing_run_stores_its_result_graded_from_the_run(database):
    challenge = CHALLENGES["gru-hello"]
    room, _ = create_class(database, "Year 10", challenges=["gru-hello"])
    other, _ = create_class(database, "Year 11")  # no challenges: nothing graded
    ana, _ = join_class(database, room, "Ana")
    bo, _ = join_class(database, room, "Bo")
    cy, _ = join_class(database, other, "Cy")
    good = Trainer(challenge.start.with_changes(encoding="embedding", lr=0.1))
    good.train(max_epochs=30)
    verdict = check_run(challenge, good)
    assert verdict.passed
    failing = Trainer(challenge.start)
    failing.train(max_epochs=30)
    assert not check_run(challenge, failing).passed
    save_run(database, ana, good)
    save_run(database, bo, failing)
    save_run(database, cy, good)
    assert passed(database, room) == {"Ana": {"gru-hello": verdict.evidence}, "Bo": {}}
    assert passed(database, other) == {"Cy": {}}
    save_run(database, ana, failing)  # a later failing run keeps the pass
    assert passed(database, room)["Ana"] == {"gru-hello": verdict.evidence}
    remove_student(database, room, ana.id)
    with database.connect() as connection:
        assert connection.execute(select(func.count()).select_from(metadata.tables["results"])).scalar_one() == 0


def test_the_database_is_a_file_in_data_unless_the_setting_names_one():
    assert database_url({}).database == str(DATA_FOLDER / "classes.sqlite3")
    url = database_url({"RNN_PLAYGROUND_DATABASE_URL": "postgresql://u:p@db/class"})
    assert (url.drivername, url.host, url.database) == ("postgresql+psycopg", "db", "class")
    with pytest.raises(PlaygroundError, match="names a mysql database"):
        database_url({"RNN_PLAYGROUND_DATABASE_URL": "mysql://u:p@db/class"})
    with pytest.raises(PlaygroundError, match="is not a database URL"):
        database_url({"RNN_PLAYGROUND_DATABASE_URL": "not a url"})
