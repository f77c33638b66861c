"""Stand-ins for the parts of diffusers that the upstream scheduler / image-processor files import but that pull in
huggingface_hub and friends: ConfigMixin + register_to_config, BaseOutput, logging, deprecate, SchedulerMixin.
Only used when diffusers itself is not installed (see upstream.py); they carry no numerics."""
import enum
import functools
import inspect
import logging as _logging
import sys
import types
from collections import OrderedDict
from dataclasses import fields, is_dataclass

import PIL.Image


class FrozenDict(OrderedDict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as err:
            raise AttributeError(name) from err


class ConfigMixin:
    config_name = None
    ignore_for_config = []

    def register_to_config(self, **kwargs):
        internal = dict(getattr(self, "_internal_dict", {}))
        internal.update(kwargs)
        self._internal_dict = FrozenDict(internal)

    @property
    def config(self):
        return self._internal_dict

    @classmethod
    def from_config(cls, config, **kwargs):
        # As diffusers: keys the class's __init__ takes become arguments, the rest stays in the config unused.
        expected = set(inspect.signature(cls.__init__).parameters) - {"self", "kwargs"}
        init = {k: v for k, v in dict(config).items() if k in expected and not k.startswith("_")}
        init.update(kwargs)
        model = cls(**init)
        hidden = {k: v for k, v in dict(config).items() if k not in init and not k.startswith("_")}
        model.register_to_config(**hidden)
        return model


def register_to_config(init):
    """Records the __init__ arguments (defaults included) as the config, as diffusers' decorator does."""

    @functools.wraps(init)
    def inner(self, *args, **kwargs):
        params = list(inspect.signature(init).parameters.values())[1:]
        config = {p.name: p.default for p in params if p.kind == p.POSITIONAL_OR_KEYWORD}
        for arg, p in zip(args, params):
            config[p.name] = arg
        config.update({k: v for k, v in kwargs.items() if not k.startswith("_")})
        self.register_to_config(**config)
        init(self, *args, **kwargs)

    return inner


class BaseOutput(OrderedDict):
    """diffusers' dataclass-as-OrderedDict output: attribute, key and index access."""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                self[f.name] = value

    def __getitem__(self, k):
        if isinstance(k, str):
            return dict(self.items())[k]
        return self.to_tuple()[k]

    def to_tuple(self):
        return tuple(self[k] for k in self.keys())


class SchedulerMixin:
    config_name = "scheduler_config.json"
    _compatibles = []
    has_compatibles = True


class KarrasDiffusionSchedulers(enum.Enum):
    DDIMScheduler = 1
    DDPMScheduler = 2
    PNDMScheduler = 3
    LMSDiscreteScheduler = 4
    EulerDiscreteScheduler = 5
    HeunDiscreteScheduler = 6
    EulerAncestralDiscreteScheduler = 7
    DPMSolverMultistepScheduler = 8
    DPMSolverSinglestepScheduler = 9
    KDPM2DiscreteScheduler = 10
    KDPM2AncestralDiscreteScheduler = 11
    DEISMultistepScheduler = 12
    UniPCMultistepScheduler = 13
    DPMSolverSDEScheduler = 14
    EDMEulerScheduler = 15


def deprecate(*args, **kwargs):
    return None


def install():
    """Registers the stand-in modules under their diffusers names in sys.modules."""

    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__path__ = []  # a package, so that relative imports below it resolve through sys.modules
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    logging_mod = module("diffusers.utils.logging", get_logger=_logging.getLogger)
    import_utils = module(
        "diffusers.utils.import_utils",
        is_torch_available=lambda: True,
        is_scipy_available=lambda: True,
        is_torch_version=lambda op, v: True,
    )
    resample = {
        "linear": PIL.Image.Resampling.BILINEAR,
        "bilinear": PIL.Image.Resampling.BILINEAR,
        "bicubic": PIL.Image.Resampling.BICUBIC,
        "lanczos": PIL.Image.Resampling.LANCZOS,
        "nearest": PIL.Image.Resampling.NEAREST,
    }
    utils = module(
        "diffusers.utils",
        BaseOutput=BaseOutput,
        deprecate=deprecate,
        logging=logging_mod,
        import_utils=import_utils,
        is_scipy_available=lambda: True,
        is_torch_available=lambda: True,
        CONFIG_NAME="config.json",
        PIL_INTERPOLATION=resample,
    )
    module("diffusers", utils=utils, __version__="source")
    module("diffusers.configuration_utils", ConfigMixin=ConfigMixin, register_to_config=register_to_config, FrozenDict=FrozenDict)
    module("diffusers.schedulers")
    from .shims_output import SchedulerOutput  # noqa: E402  (a dataclass needs BaseOutput defined first)

    module(
        "diffusers.schedulers.scheduling_utils",
        SchedulerMixin=SchedulerMixin,
        KarrasDiffusionSchedulers=KarrasDiffusionSchedulers,
        SchedulerOutput=SchedulerOutput,
    )
    module("diffusers.models")
    module("diffusers.models.autoencoders")
    assert is_dataclass(SchedulerOutput)
