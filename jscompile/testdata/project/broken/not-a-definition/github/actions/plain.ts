export default { description: 'not made by createAction', exec: async () => ({}) };
