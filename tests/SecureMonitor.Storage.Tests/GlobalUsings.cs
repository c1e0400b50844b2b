global using SecureMonitor.Storage.Tests.Support;
global using Xunit;
global using static SecureMonitor.Storage.Tests.Support.Messages;
global using SecureMonitor.TestKit.Storage;
