"""Model files: save -> load restores the run; anything foreign or tampered is refused cleanly."""

import io
import os
import zipfile

import pytest
import torch

from model_files import load_run
from playground import PlaygroundError, RunConfig, Trainer
from playground.lessons.presets import PRESETS
from playground.run import checkpoint
from playground.run.checkpoint import FORMAT, load_checkpoint, max_file_bytes, save_checkpoint
from playground.run.limits import Limits
from playground.run.trainer import build_model


def trained(name: str, epochs: int | None = None) -> Trainer:
    trainer = Trainer(PRESETS[name].config)
    trainer.train(max_epochs=epochs)
    return trainer


def payload_of(data: bytes) -> dict:
    return torch.load(io.BytesIO(data), weights_only=True)


def to_bytes(payload: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name,epochs", [("hello-bilstm", None), ("hello-rnncell", 9), ("batch-of-three", 20)])
def test_save_then_load_restores_weights_history_and_predictions(name, epochs):
    original = trained(name, epochs)
    restored = load_run(save_checkpoint(original))
    assert restored.config == original.config
    assert restored.epoch == original.epoch
    assert [r.loss for r in restored.history] == [r.loss for r in original.history]
    assert [r.predictions for r in restored.history] == [r.predictions for r in original.history]
    for (name_a, a), (name_b, b) in zip(original.model.state_dict().items(), restored.model.state_dict().items()):
        assert name_a == name_b
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    # The restored model predicts the same strings from its own forward pass.
    with torch.no_grad():
        logits_a = original.model(original.dataset.source_indices)
        logits_b = restored.model(restored.dataset.source_indices)
    assert torch.equal(logits_a.argmax(-1), logits_b.argmax(-1))
    torch.testing.assert_close(logits_a, logits_b, rtol=0, atol=1e-6)


def test_file_is_a_plain_dict_with_format_config_state_dict_and_history():
    trainer = trained("hello-gru", 5)
    payload = payload_of(save_checkpoint(trainer))
    assert payload["format"] == FORMAT
    assert payload["config"] == trainer.config.to_dict()
    assert set(payload["state_dict"]) == set(trainer.model.state_dict())
    assert payload["history"]["losses"] == [r.loss for r in trainer.history]
    assert load_checkpoint(save_checkpoint(trainer)).epochs_trained == 5


def refused(data: bytes) -> str:
    with pytest.raises(PlaygroundError) as caught:
        load_run(data)
    return str(caught.value)


def test_random_bytes_are_refused():
    assert "could not be read as a PyTorch file" in refused(os.urandom(2048))
    assert "could not be read" in refused(b"")


def test_a_plain_state_dict_is_refused():
    trainer = trained("hello-gru", 3)
    assert "not an RNN Playground model" in refused(to_bytes(trainer.model.state_dict()))


def test_a_wrong_format_tag_is_refused():
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    payload["format"] = "someone-else/1"
    assert "not an RNN Playground model" in refused(to_bytes(payload))


def test_a_wrong_shaped_tensor_is_refused():
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    payload["state_dict"]["head.weight"] = torch.zeros(3, 3)
    message = refused(to_bytes(payload))
    assert "'head.weight' has shape (3, 3)" in message


def test_a_float64_weight_is_refused_naming_its_dtype():
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    payload["state_dict"]["core.weight_hh_l0"] = payload["state_dict"]["core.weight_hh_l0"].double()
    message = refused(to_bytes(payload))
    assert "'core.weight_hh_l0' has dtype float64, but its settings need dtype float32;" in message
    assert "shape" not in message


def test_a_weight_of_another_shape_and_dtype_is_refused_naming_both():
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    payload["state_dict"]["head.weight"] = torch.zeros(3, 3, dtype=torch.float64)
    message = refused(to_bytes(payload))
    assert "'head.weight' has shape (3, 3) and dtype float64, but its settings need shape (" in message
    assert ") and dtype float32;" in message


def test_a_config_changed_to_other_sizes_is_refused_by_shape():
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    payload["config"]["hidden_size"] = 9
    assert "has shape" in refused(to_bytes(payload))


def test_a_config_changed_without_changing_shapes_is_refused_by_the_replay():
    payload = payload_of(save_checkpoint(trained("hello-gru", 6)))
    payload["config"]["lr"] = 0.01
    assert "does not match its settings" in refused(to_bytes(payload))


def test_edited_weights_are_refused_by_the_replay():
    payload = payload_of(save_checkpoint(trained("hello-gru", 6)))
    payload["state_dict"]["head.bias"] = payload["state_dict"]["head.bias"] + 0.5
    assert "'head.bias' differs" in refused(to_bytes(payload))


@pytest.mark.parametrize(
    "change,fragment",
    [
        (lambda p: p["config"].update(cell="transformer"), "settings are not valid"),
        (lambda p: p["config"].update(wings=2), "settings are not valid"),
        (lambda p: p["config"].update({1: "x", None: 2}), "Unknown setting(s): 1, None"),
        (lambda p: p.update(config="hello"), "no settings"),
        (lambda p: p["state_dict"].pop("head.bias"), "mismatched names"),
        (lambda p: p["history"].update(losses=[]), "history"),
        (lambda p: p["history"].update(losses=["x", "y", "z"]), "history"),
    ],
)
def test_damaged_payloads_are_refused(change, fragment):
    payload = payload_of(save_checkpoint(trained("hello-gru", 3)))
    change(payload)
    assert fragment in refused(to_bytes(payload))


def test_a_pickled_object_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    buffer = io.BytesIO()
    torch.save({"format": FORMAT, "config": Evil()}, buffer)
    refused(buffer.getvalue())
    assert not marker.exists()


def _zip_bomb(expanded_bytes: int) -> bytes:
    """A real model file plus one deflate-compressed entry of zeros: small to upload, huge to unpack."""
    buffer = io.BytesIO(save_checkpoint(trained("hello-gru", 2)))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("archive/data/999", "w", force_zip64=True) as entry:
            chunk = bytes(2**20)
            for _ in range(expanded_bytes // len(chunk) + 1):
                entry.write(chunk)
    return buffer.getvalue()


def test_a_small_file_that_unpacks_past_the_cap_is_refused_before_loading(monkeypatch):
    bomb = _zip_bomb(max_file_bytes() + 2**20)
    assert len(bomb) < 1_000_000

    def never(*args, **kwargs):
        raise AssertionError("torch.load must not inflate an oversized archive")

    monkeypatch.setattr(checkpoint.torch, "load", never)
    assert "unpacks to" in refused(bomb)


def test_the_largest_model_the_caps_allow_fits_in_a_model_file():
    limits = Limits()
    text = "ab" * (limits.max_string_length // 2)
    config = RunConfig(
        sources=(text,) * limits.max_pairs,
        targets=(text[::-1],) * limits.max_pairs,
        vocab="",
        cell="lstm",
        encoding="embedding",
        embedding_size=limits.max_embedding_size,
        hidden_size=limits.max_hidden_size,
        layers=limits.max_layers,
        bidirectional=True,
    )
    model = build_model(config, limits.max_vocabulary)
    weights = 4 * sum(p.numel() for p in model.parameters())
    assert weights < checkpoint.max_file_bytes(limits)
