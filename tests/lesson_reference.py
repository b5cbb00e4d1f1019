"""Lecture 12's three hihell→ihello programs (lesson 000), as the lesson wrote them.

Kept verbatim but for `Variable` (a no-op since PyTorch 0.4) and returning the log instead
of printing it, so tests can compare the playground's presets with the lesson's own code
running on this very torch, bit for bit.
"""

import torch
import torch.nn as nn

idx2char = ["h", "i", "e", "l", "o"]
x_data = [0, 1, 0, 2, 3, 3]  # hihell
y_data = [1, 0, 2, 3, 3, 4]  # ihello
one_hot_lookup = [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]


def one_step_at_a_time(epochs: int) -> list[tuple[float, str]]:
    torch.manual_seed(777)
    inputs = torch.Tensor([one_hot_lookup[x] for x in x_data])
    labels = torch.LongTensor(y_data)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(input_size=5, hidden_size=5, batch_first=True)

        def forward(self, hidden, x):
            x = x.view(1, 1, 5)
            out, hidden = self.rnn(x, hidden)
            return hidden, out.view(-1, 5)

    model = Model()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    log = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = 0
        hidden = torch.zeros(1, 1, 5)
        predicted = ""
        for input, label in zip(inputs, labels):
            hidden, output = model(hidden, input)
            _, idx = output.max(1)
            predicted += idx2char[idx.item()]
            loss += criterion(output, torch.LongTensor([label]))
        log.append((loss.item(), predicted))
        loss.backward()
        optimizer.step()
    return log


def _train_sequence_model(model: nn.Module, inputs: torch.Tensor, epochs: int) -> list[tuple[float, str]]:
    labels = torch.LongTensor(y_data)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    log = []
    for _ in range(epochs):
        outputs = model(inputs)
        optimizer.zero_grad()
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(1)
        log.append((loss.item(), "".join(idx2char[c] for c in idx.numpy().squeeze())))
    return log


def whole_sequence(epochs: int) -> list[tuple[float, str]]:
    torch.manual_seed(777)
    inputs = torch.Tensor([[one_hot_lookup[x] for x in x_data]])

    class RNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(input_size=5, hidden_size=5, batch_first=True)

        def forward(self, x):
            h_0 = torch.zeros(1, x.size(0), 5)
            out, _ = self.rnn(x, h_0)
            return out.view(-1, 5)

    return _train_sequence_model(RNN(), inputs, epochs)


def embedding_rnn_linear(epochs: int) -> list[tuple[float, str]]:
    torch.manual_seed(777)
    inputs = torch.LongTensor([x_data])

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(5, 10)
            self.rnn = nn.RNN(input_size=10, hidden_size=5, batch_first=True)
            self.fc = nn.Linear(5, 5)

        def forward(self, x):
            h_0 = torch.zeros(1, x.size(0), 5)
            emb = self.embedding(x).view(1, 6, -1)
            out, _ = self.rnn(emb, h_0)
            return self.fc(out.view(-1, 5))

    return _train_sequence_model(Model(), inputs, epochs)


PROGRAMS = {
    "hihell-per-step": one_step_at_a_time,
    "hihell-sequence": whole_sequence,
    "hihell-embedding": embedding_rnn_linear,
}
