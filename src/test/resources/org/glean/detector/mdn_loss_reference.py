"""Independent reference for org.glean.detector.MdnLoss (method.md section 2), in PyTorch.

Written anchor by anchor from the formulas, in float64, sharing no code with the Java side.
Reads a JSON file (argv[1]) with raw head outputs, targets and the fixed noise gamma, and prints
a JSON object with, per loss variant, the total loss, its two parts and d(total)/d(raw).
"""
import json
import math
import sys

import torch

EPS = 1e-9


def activate(raw, K, C1):
    B, A, _ = raw.shape
    loc = 4 * K
    cls = K * C1
    mu = raw[:, :, 0:loc].reshape(B, A, 4, K)
    var = torch.sigmoid(raw[:, :, loc:2 * loc].reshape(B, A, 4, K))
    pi = torch.softmax(raw[:, :, 2 * loc:3 * loc].reshape(B, A, 4, K), dim=3)
    cmu = raw[:, :, 3 * loc:3 * loc + cls].reshape(B, A, K, C1)
    cvar = torch.sigmoid(raw[:, :, 3 * loc + cls:3 * loc + 2 * cls].reshape(B, A, K, C1))
    cpi = torch.softmax(raw[:, :, 3 * loc + 2 * cls:], dim=2)
    return mu, var, pi, cmu, cvar, cpi


def gaussian(g, mu, var, density):
    if density == "VARIANCE":
        return torch.exp(-(g - mu) ** 2 / (2 * var)) / torch.sqrt(2 * math.pi * var)
    return torch.exp(-(((g - mu) / var) ** 2) / 2) / math.sqrt(2 * math.pi) / (var + 0.3)


def anchor_class_loss(chat, cpi, t, cls_type):
    K = chat.shape[0]
    if cls_type == "TYPE_1":
        return -sum(cpi[k] * torch.log_softmax(chat[k], dim=0)[t] for k in range(K))
    return -torch.log(sum(cpi[k] * torch.softmax(chat[k], dim=0)[t] for k in range(K)) + EPS)


def loss(raw, offsets, targets, gamma, K, C1, density, cls_type):
    mu, var, pi, cmu, cvar, cpi = activate(raw, K, C1)
    B, A = targets.shape
    chat = cmu + torch.sqrt(cvar) * gamma
    l_loc = torch.zeros((), dtype=torch.float64)
    l_cls = torch.zeros((), dtype=torch.float64)
    positives = [(b, i) for b in range(B) for i in range(A) if targets[b, i] > 0]
    background = [(b, i) for b in range(B) for i in range(A) if targets[b, i] == 0]
    n = len(positives)
    for b, i in positives:
        for c in range(4):
            mixture = sum(pi[b, i, c, k] * gaussian(offsets[b, i, c], mu[b, i, c, k], var[b, i, c, k], density)
                          for k in range(K))
            l_loc = l_loc - torch.log(mixture + EPS)
    # hard negatives over the whole batch: 3 per positive
    ranked = sorted(background,
                    key=lambda bi: anchor_class_loss(chat[bi], cpi[bi], 0, cls_type).item(),
                    reverse=True)
    negatives = ranked[:min(3 * n, len(background))]
    for b, i in positives + negatives:
        l_cls = l_cls + anchor_class_loss(chat[b, i], cpi[b, i], int(targets[b, i]), cls_type)
    if density == "REFERENCE":
        l_loc = l_loc / 2
    if n == 0:
        return l_loc * 0, l_loc * 0, l_cls * 0
    return (l_loc + l_cls) / n, l_loc / n, l_cls / n


def main():
    with open(sys.argv[1]) as f:
        d = json.load(f)
    B, A, K, C1 = d["batch"], d["anchors"], d["components"], d["classes"]
    offsets = torch.tensor(d["offsets"], dtype=torch.float64).reshape(B, A, 4)
    targets = torch.tensor(d["targets"], dtype=torch.int64).reshape(B, A)
    gamma = torch.tensor(d["gamma"], dtype=torch.float64).reshape(B, A, K, C1)
    results = {}
    for density, cls_type in d["variants"]:
        raw = torch.tensor(d["raw"], dtype=torch.float64).reshape(B, A, -1).requires_grad_(True)
        total, l_loc, l_cls = loss(raw, offsets, targets, gamma, K, C1, density, cls_type)
        total.backward()
        results[density + "/" + cls_type] = {
            "total": total.item(),
            "localization": l_loc.item(),
            "classification": l_cls.item(),
            "gradient": raw.grad.reshape(-1).tolist(),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
