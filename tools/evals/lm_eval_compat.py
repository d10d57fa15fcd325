"""Lets lm_eval 0.4.9 import under transformers 5.

lm_eval 0.4.9 (the newest release) names `transformers.AutoModelForVision2Seq` at import time (for its
multimodal HFLM subclass, unused here); transformers 5 renamed that class AutoModelForImageTextToText.
transformers swaps its lazy module object during its own imports, so an attribute set on the module
is lost; the alias is added to the lazy-module class instead. Nothing on the text-only HFLM path
changes. Import this module before lm_eval.
"""

import transformers

_Lazy = type(transformers)
_getattr = _Lazy.__getattr__


def _aliased_getattr(self, name):
    if name == "AutoModelForVision2Seq" and self.__name__ == "transformers":
        return _getattr(self, "AutoModelForImageTextToText")
    return _getattr(self, name)


if not hasattr(transformers, "AutoModelForVision2Seq"):
    _Lazy.__getattr__ = _aliased_getattr
