using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using LanguageExt.ClassInstances;
using LanguageExt.TypeClasses;

namespace NanoClaw.Shell.LanguageExtSupport;

/// <summary>
/// Builds LanguageExt's registry of class instances (<see cref="ClassInstancesAssembly"/>) without its own scan.
/// The first use of any default trait (<c>OrdDefault&lt;A&gt;</c>, <c>EqDefault&lt;A&gt;</c>, <c>HashableDefault&lt;A&gt;</c>:
/// a <c>Map&lt;string, V&gt;</c> with two keys is enough) makes LanguageExt call <c>GetTypes()</c> on the entry
/// assembly, LanguageExt.Core and every assembly they reference (loading Telegram.Bot, OpenTelemetry, YARP … even when
/// unused) and walk the interfaces of every struct: ~50 000 type loads, ~1 s of CPU and ~45 MB of runtime memory
/// (loader heaps) that is never given back. Only value types implementing <see cref="Typeclass"/> matter, and only an
/// assembly that references LanguageExt.Core can define one; this finds them from the assemblies' metadata (no type
/// loads) and loads just those (~1 200 types), giving the same registry. See README.md beside this file.
/// </summary>
public static class ClassInstanceRegistry
{
    private const string TypeclassNamespace = "LanguageExt.TypeClasses";
    private const string TypeclassName = "Typeclass";

    /// <summary>
    /// Installs the registry unless LanguageExt already has one (then nothing changes). Call before the first use of a
    /// default trait; a later call is harmless. Thread-safe in effect: a racing LanguageExt scan builds an equal registry.
    /// </summary>
    public static void Install()
    {
        if (ClassInstancesAssembly.singleton is not null) return;
        ClassInstancesAssembly.singleton = Build(ScannedAssemblies());
    }

    /// <summary>The registry LanguageExt's own constructor would build from <paramref name="assemblies"/>.</summary>
    public static ClassInstancesAssembly Build(IEnumerable<Assembly> assemblies)
    {
        var instances = new List<Type>();
        foreach (var assembly in assemblies) instances.AddRange(ClassInstancesOf(assembly));
        var byTypeclass = new Dictionary<Type, HashSet<Type>>();
        foreach (var instance in instances)
            foreach (var typeclass in instance.GetTypeInfo().ImplementedInterfaces.Where(i => typeof(Typeclass).IsAssignableFrom(i)))
            {
                if (!byTypeclass.TryGetValue(typeclass, out var set)) byTypeclass[typeclass] = set = [];
                set.Add(instance);
            }
        // The constructor is the scan itself; the registry's state is its public fields (Types and Structs are read
        // only by that constructor, so they hold the instances rather than every type).
        var registry = (ClassInstancesAssembly)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(ClassInstancesAssembly));
        registry.Types = instances;
        registry.Structs = instances;
        registry.AllClassInstances = instances;
        registry.ClassInstances = byTypeclass;
        return registry;
    }

    /// <summary>
    /// The assemblies LanguageExt's scan reads, in its order: the entry assembly, LanguageExt.Core, and what the entry
    /// assembly references, except <c>System.*</c>, <c>Microsoft.*</c> and <c>mscorlib</c>. Assemblies that do not
    /// reference LanguageExt.Core are skipped without loading (they cannot implement its <see cref="Typeclass"/>).
    /// </summary>
    private static IEnumerable<Assembly> ScannedAssemblies()
    {
        var languageExt = typeof(Typeclass).Assembly;
        var entry = Assembly.GetEntryAssembly();
        var names = new List<AssemblyName>();
        if (entry is not null) names.Add(entry.GetName());
        names.Add(languageExt.GetName());
        if (entry is not null) names.AddRange(entry.GetReferencedAssemblies());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name.Name is not { } simple || simple == "mscorlib" || simple.StartsWith("System.", StringComparison.Ordinal)
                || simple.StartsWith("Microsoft.", StringComparison.Ordinal) || !seen.Add(simple)) continue;
            if (simple == languageExt.GetName().Name) { yield return languageExt; continue; }
            if (entry is not null && simple == entry.GetName().Name) { yield return entry; continue; }
            var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == simple);
            if (loaded is not null) { yield return loaded; continue; }
            var path = Path.Combine(AppContext.BaseDirectory, simple + ".dll");
            if (File.Exists(path) && ReferencesLanguageExt(path, languageExt.GetName().Name!))
            {
                Assembly? assembly = null;
                try { assembly = Assembly.Load(name); } catch (Exception e) when (e is IOException or BadImageFormatException) { }
                if (assembly is not null) yield return assembly;
            }
        }
    }

    private static bool ReferencesLanguageExt(string path, string languageExt)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) return false;
            var md = pe.GetMetadataReader();
            return md.AssemblyReferences.Any(r => md.GetString(md.GetAssemblyReference(r).Name) == languageExt);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The value types of <paramref name="assembly"/> that implement <see cref="Typeclass"/>, in metadata order (the
    /// order of <c>GetTypes()</c>), skipping compiler-generated names as LanguageExt does. The C# compiler lists every
    /// implemented interface, inherited ones included, so the check reads the type's own interface list.
    /// </summary>
    private static IEnumerable<Type> ClassInstancesOf(Assembly assembly)
    {
        if (string.IsNullOrEmpty(assembly.Location)) return [];
        List<string> names;
        try
        {
            using var pe = new PEReader(File.OpenRead(assembly.Location));
            var md = pe.GetMetadataReader();
            var isLanguageExt = assembly == typeof(Typeclass).Assembly;
            if (!isLanguageExt && !md.AssemblyReferences.Any(r => md.GetString(md.GetAssemblyReference(r).Name) == typeof(Typeclass).Assembly.GetName().Name))
                return [];
            names = [];
            foreach (var handle in md.TypeDefinitions)
            {
                var type = md.GetTypeDefinition(handle);
                if (!ExtendsValueType(md, type) || !ListsTypeclass(md, type)) continue;
                var name = FullName(md, type);
                if (name.StartsWith('<') || name.Contains("+<", StringComparison.Ordinal)) continue;
                names.Add(name);
            }
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return [];
        }
        return names.Select(n => assembly.GetType(n, throwOnError: false))
            .Where(t => t is { IsValueType: true } && t.GetTypeInfo().ImplementedInterfaces.Contains(typeof(Typeclass)))
            .Cast<Type>()
            .ToList();
    }

    private static bool ExtendsValueType(MetadataReader md, TypeDefinition type)
    {
        if (type.BaseType.Kind != HandleKind.TypeReference) return false;
        var baseType = md.GetTypeReference((TypeReferenceHandle)type.BaseType);
        return md.StringComparer.Equals(baseType.Name, "ValueType") && md.StringComparer.Equals(baseType.Namespace, "System");
    }

    private static bool ListsTypeclass(MetadataReader md, TypeDefinition type)
    {
        foreach (var handle in type.GetInterfaceImplementations())
        {
            var iface = md.GetInterfaceImplementation(handle).Interface;
            var (name, ns) = iface.Kind switch
            {
                HandleKind.TypeDefinition => (md.GetTypeDefinition((TypeDefinitionHandle)iface).Name, md.GetTypeDefinition((TypeDefinitionHandle)iface).Namespace),
                HandleKind.TypeReference => (md.GetTypeReference((TypeReferenceHandle)iface).Name, md.GetTypeReference((TypeReferenceHandle)iface).Namespace),
                _ => (default(StringHandle), default(StringHandle)),
            };
            if (!name.IsNil && md.StringComparer.Equals(name, TypeclassName) && md.StringComparer.Equals(ns, TypeclassNamespace)) return true;
        }
        return false;
    }

    private static string FullName(MetadataReader md, TypeDefinition type)
    {
        var name = md.GetString(type.Name);
        if (type.IsNested) return FullName(md, md.GetTypeDefinition(type.GetDeclaringType())) + "+" + name;
        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
