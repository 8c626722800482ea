"""Independent reference for org.glean.uncertainty: method.md §4 written in torch (float64).

Usage: python3 mixture_uncertainty_torch.py INPUT.json OUTPUT.json

INPUT:  {"mixtures": [{"loc": {"weights": [4][K], "means": [4][K], "variances": [4][K]},
                       "cls": {"weights": [K], "logits": [K][C+1], "variances": [K][C+1]},
                       "detectedClass": c}, ...]}
OUTPUT: {"results": [{"locEpistemic": [4], "locAleatoric": [4],
                      "clsEpistemic": [C+1], "clsAleatoric": [C+1],
                      "objectMaxOverClasses": [ep_loc, al_loc, ep_cls, al_cls],
                      "objectDetectedClass": [ep_loc, al_loc, ep_cls, al_cls]}, ...]}
"""
import json
import sys

import torch


def mixture_moments(pi, mu, var):
    """Mixtures along the last axis: u_ep = Σ_k π_k (μ_k − Σ_j π_j μ_j)², u_al = Σ_k π_k Σ_k."""
    mixture_mean = (pi * mu).sum(dim=-1, keepdim=True)
    return (pi * (mu - mixture_mean) ** 2).sum(dim=-1), (pi * var).sum(dim=-1)


def score(mixture):
    t = lambda values: torch.tensor(values, dtype=torch.float64)
    loc, cls = mixture["loc"], mixture["cls"]
    loc_ep, loc_al = mixture_moments(t(loc["weights"]), t(loc["means"]), t(loc["variances"]))  # [4]
    probabilities = torch.softmax(t(cls["logits"]), dim=1)                                     # [K, C+1]
    cls_pi = t(cls["weights"]).unsqueeze(0)                                                    # [1, K]
    cls_ep, cls_al = mixture_moments(cls_pi, probabilities.T, t(cls["variances"]).T)           # [C+1]
    c = mixture["detectedClass"]
    loc_max = [loc_ep.max().item(), loc_al.max().item()]
    return {
        "locEpistemic": loc_ep.tolist(),
        "locAleatoric": loc_al.tolist(),
        "clsEpistemic": cls_ep.tolist(),
        "clsAleatoric": cls_al.tolist(),
        "objectMaxOverClasses": loc_max + [cls_ep.max().item(), cls_al.max().item()],
        "objectDetectedClass": loc_max + [cls_ep[c].item(), cls_al[c].item()],
    }


def main(input_path, output_path):
    with open(input_path) as f:
        mixtures = json.load(f)["mixtures"]
    with open(output_path, "w") as f:
        json.dump({"torch": torch.__version__, "results": [score(m) for m in mixtures]}, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
