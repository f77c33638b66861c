"""diffusers' SchedulerOutput (scheduling_utils.py): the one field every scheduler returns."""
from dataclasses import dataclass

import torch

from .shims import BaseOutput


@dataclass
class SchedulerOutput(BaseOutput):
    prev_sample: torch.FloatTensor
