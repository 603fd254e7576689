"""Imported before timm: Debian's python3-torch has no torchvision, which timm imports for its data
transforms and FrozenBatchNorm2d (never used by the ViTs here). When it is missing, any torchvision
import gets a module of placeholder classes."""
import importlib.abc, importlib.machinery, importlib.util, sys, types

if importlib.util.find_spec('torchvision') is None:
    class _Meta(type):
        def __getattr__(cls, name):
            if name.startswith('__'):
                raise AttributeError(name)
            return _Meta(name, (), {})

    class _Module(types.ModuleType):
        __path__ = []

        def __getattr__(self, name):
            if name.startswith('__'):
                raise AttributeError(name)
            return _Meta(name, (), {})

    class _Stub(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path, target=None):
            if name == 'torchvision' or name.startswith('torchvision.'):
                return importlib.machinery.ModuleSpec(name, self, is_package=True)

        def create_module(self, spec):
            return _Module(spec.name)

        def exec_module(self, module):
            pass

    sys.meta_path.insert(0, _Stub())
