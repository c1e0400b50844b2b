namespace SecureMonitor.Configuration.Hocon;

public enum HoconValueKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}
